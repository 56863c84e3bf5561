"""What the ``--agno-eval`` report is made of: runs, perf evals and tests, as plain data.

One representation serves every stage: a worker builds these records, ships them to the
controller as JSON inside a test report (so they survive pytest-xdist), and the controller merges
them and renders the terminal table, the JSON report and the HTML page from them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agno_core.run.agent import RunOutput

__all__ = ["EvalRecord", "GateCheck", "RunRecord", "TestRecord", "TokenTally"]


@dataclass(kw_only=True, slots=True)
class RunRecord:
    """One top-level agent or team run that ended during a test (member runs are in its totals).

    Attributes:
        kind: ``"agent"`` or ``"team"``.
        name: The agent's or team's name.
        run_id: The run's id.
        status: Its final status (``"COMPLETED"``, ``"CANCELLED"``, ``"ERROR"``).
        input_tokens, output_tokens, total_tokens: Its token totals.
        duration: Seconds the run took (None when it never started).
        time_to_first_token: Seconds to the first content token (None without content).
        queue_wait: Seconds a background run waited for a slot (None for other runs).
        models: ``"<details key>:<model id>"`` of every model entry, e.g. ``"model:gpt-4o"``.
        member_runs: How many member runs a team run made.
    """

    kind: str
    name: str | None
    run_id: str
    status: str
    input_tokens: int
    output_tokens: int
    total_tokens: int
    duration: float | None
    time_to_first_token: float | None
    queue_wait: float | None
    models: list[str] = field(default_factory=list)
    member_runs: int = 0

    @classmethod
    def from_output(cls, output: RunOutput) -> RunRecord:
        metrics = output.metrics
        team = output.is_team
        return cls(
            kind="team" if team else "agent",
            name=getattr(output, "team_name", None) if team else output.agent_name,
            run_id=output.run_id,
            status=output.status.value,
            input_tokens=metrics.input_tokens,
            output_tokens=metrics.output_tokens,
            total_tokens=metrics.total_tokens,
            duration=metrics.duration,
            time_to_first_token=metrics.time_to_first_token,
            queue_wait=metrics.queue_wait,
            models=[
                f"{key}:{entry.id}"
                for key, entries in metrics.details.items()
                if not key.endswith("tool_call")
                for entry in entries
            ],
            member_runs=len(getattr(output, "member_responses", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        return cls(**data)


@dataclass(kw_only=True, slots=True)
class TokenTally:
    """Runs, tokens and runs that ended ERROR counted while a perf eval measured (every call,
    warm-ups included).

    Only integers are updated while counting, so the tally itself never shows up as memory
    growth in the eval it counts for.
    """

    runs: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    errors: int = 0

    def add(self, output: RunOutput) -> None:
        self.runs += 1
        self.input_tokens += output.metrics.input_tokens
        self.output_tokens += output.metrics.output_tokens
        self.total_tokens += output.metrics.total_tokens
        if output.status.value == "ERROR":
            self.errors += 1

    @property
    def tokens_per_run(self) -> float | None:
        return self.total_tokens / self.runs if self.runs else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenTally:
        return cls(**{"errors": 0, **data})


@dataclass(kw_only=True, slots=True)
class GateCheck:
    """One limit checked against one measured value of a perf eval.

    Attributes:
        gate: The keyword that set it, e.g. ``"max_growth_kib"``.
        metric: What was measured, e.g. ``"memory growth per iteration"``.
        unit: The unit of ``limit`` and ``measured`` (``"ms"``, ``"MiB"``, ``"KiB"``).
        limit: The limit.
        measured: The measured value.
        passed: ``measured <= limit``.
    """

    gate: str
    metric: str
    unit: str
    limit: float
    measured: float
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(kw_only=True)
class EvalRecord:
    """One ``perf_eval`` call: its result, the gates checked and the baseline comparison.

    Attributes:
        nodeid: The test that ran it.
        name: The eval's name (unique within the test).
        verdict: ``"pass"``; ``"fail"`` when a gate was crossed, a regression rule hit, or a
            measured run ended ERROR (unless ``expect_errors=True``); ``"error"`` when the
            measured function raised (no result: ``result`` holds empty samples).
        failures: One line per crossed gate or regression, as shown in the failure.
        gates: The absolute limits checked.
        baseline: ``"not requested"`` (no ``--agno-eval-compare``), ``"missing"`` (the
            baseline has no such eval) or ``"compared"``.
        comparison: With a baseline: ``{"verdict", "metrics": [...], "skipped": [...]}``.
        tokens: Runs and tokens counted while it measured.
        result: ``PerformanceResult.to_dict()``: every sample and statistic.
        rerun: When the first measurement broke a regression rule and was measured again
            (``--agno-eval-confirm``): ``{"first_failures": [...], "confirmed": bool}``; the
            result, comparison and verdict are the last measurement's.
        expected: The eval failed or errored and its test passed anyway (or xfailed): the
            test caught the `PerfGateError`, e.g. ``with pytest.raises(PerfGateError):`` around
            a gate that must fail. Shown as ``expected``; it fails neither the report's
            summary nor ``python -m pytest_agno merge``.
    """

    nodeid: str
    name: str
    verdict: str = "pass"
    failures: list[str] = field(default_factory=list)
    gates: list[GateCheck] = field(default_factory=list)
    baseline: str = "not requested"
    comparison: dict[str, Any] | None = None
    tokens: TokenTally = field(default_factory=TokenTally)
    result: dict[str, Any] = field(default_factory=dict)
    rerun: dict[str, Any] | None = None
    expected: bool = False

    @property
    def key(self) -> str:
        """Identifies the eval across runs (baselines are matched on it)."""
        return f"{self.nodeid}::{self.name}"

    @property
    def failed(self) -> bool:
        """Whether it counts as a failure: it did not pass, and its test did not expect that."""
        return self.verdict != "pass" and not self.expected

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "nodeid": self.nodeid,
            "name": self.name,
            "verdict": self.verdict,
            "failures": list(self.failures),
            "gates": [gate.to_dict() for gate in self.gates],
            "baseline": self.baseline,
            "comparison": self.comparison,
            "tokens": self.tokens.to_dict(),
            "result": self.result,
            "rerun": self.rerun,
            "expected": self.expected,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalRecord:
        return cls(
            nodeid=data["nodeid"],
            name=data["name"],
            verdict=data["verdict"],
            failures=list(data["failures"]),
            gates=[GateCheck(**gate) for gate in data["gates"]],
            baseline=data["baseline"],
            comparison=data["comparison"],
            tokens=TokenTally.from_dict(data["tokens"]),
            result=data["result"],
            rerun=data.get("rerun"),
            expected=bool(data.get("expected", False)),
        )


@dataclass(kw_only=True)
class TestRecord:
    """What one test contributed: its outcome, its runs and its perf evals."""

    __test__ = False  # not a pytest test class, whatever the module that imports it

    nodeid: str
    outcome: str = "passed"
    duration: float = 0.0
    runs: list[RunRecord] = field(default_factory=list)
    evals: list[EvalRecord] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The part a worker ships to the controller (the outcome is the controller's)."""
        return {
            "runs": [run.to_dict() for run in self.runs],
            "evals": [record.to_dict() for record in self.evals],
        }

    def merge_payload(self, payload: dict[str, Any]) -> None:
        self.runs.extend(RunRecord.from_dict(run) for run in payload["runs"])
        self.evals.extend(EvalRecord.from_dict(record) for record in payload["evals"])

    def totals(self) -> TokenTally:
        """Tokens over this test's runs."""
        tally = TokenTally()
        for run in self.runs:
            tally.runs += 1
            tally.input_tokens += run.input_tokens
            tally.output_tokens += run.output_tokens
            tally.total_tokens += run.total_tokens
            tally.errors += run.status == "ERROR"
        return tally

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "outcome": self.outcome,
            "duration": self.duration,
            "runs": [run.to_dict() for run in self.runs],
            "totals": self.totals().to_dict(),
            "evals": [record.key for record in self.evals],
        }
