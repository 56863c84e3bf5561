"""Assertions on run metrics: expected values, the DESIGN 3.7 invariants, background parity.

Each helper checks everything it was asked to, then fails once with every mismatch listed, so one
test run shows the whole picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agno_core.metrics import RunMetrics, TokenCounts
    from agno_core.run.agent import RunOutput

__all__ = ["assert_background_parity", "assert_metrics", "assert_metrics_consistent"]

TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "audio_input_tokens",
    "audio_output_tokens",
    "audio_total_tokens",
)


def _label(result: RunOutput) -> str:
    kind = "team run" if result.is_team else "run"
    return f"{kind} {result.run_id} ({result.status.value})"


def _fail(result: RunOutput, what: str, problems: list[str]) -> None:
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(f"{what} of {_label(result)}:\n{lines}")


def _tokens(counts: TokenCounts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in TOKEN_FIELDS}


def _tool_names(metrics: RunMetrics) -> list[str]:
    return [call.tool_name for call in metrics.details.get("tool_call", ())]


def assert_metrics(
    result: RunOutput,
    *,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    total_tokens: int | None = None,
    max_duration: float | None = None,
    min_duration: float | None = None,
    tool_calls: int | Sequence[str] | None = None,
) -> None:
    """Assert a run's metrics; only the arguments given are checked.

    Args:
        result: A `RunOutput` or `TeamRunOutput`.
        input_tokens: Expected ``metrics.input_tokens``.
        output_tokens: Expected ``metrics.output_tokens``.
        total_tokens: Expected ``metrics.total_tokens``.
        max_duration: ``metrics.duration`` must be measured and at most this (seconds).
        min_duration: ``metrics.duration`` must be measured and at least this (seconds).
        tool_calls: The number of this run's own tool calls (``details["tool_call"]``), or their
            tool names in order.

    Raises:
        AssertionError: listing every mismatch.
    """
    __tracebackhide__ = True
    metrics = result.metrics
    problems = []
    for name, expected in (
        ("input_tokens", input_tokens),
        ("output_tokens", output_tokens),
        ("total_tokens", total_tokens),
    ):
        actual = getattr(metrics, name)
        if expected is not None and actual != expected:
            problems.append(f"{name}: expected {expected}, got {actual}")
    duration = metrics.duration
    if (max_duration is not None or min_duration is not None) and duration is None:
        problems.append("duration: not measured (None)")
    elif duration is not None:
        if max_duration is not None and duration > max_duration:
            problems.append(f"duration: {duration:.6f} s is over max_duration={max_duration} s")
        if min_duration is not None and duration < min_duration:
            problems.append(f"duration: {duration:.6f} s is under min_duration={min_duration} s")
    if tool_calls is not None:
        names = _tool_names(metrics)
        if isinstance(tool_calls, int):
            if len(names) != tool_calls:
                problems.append(f"tool_calls: expected {tool_calls}, got {len(names)} {names}")
        elif names != list(tool_calls):
            problems.append(f"tool_calls: expected {list(tool_calls)}, got {names}")
    _fail(result, "metrics", problems)


def _consistency_problems(result: RunOutput, path: str) -> list[str]:
    metrics = result.metrics
    problems = []
    entries = metrics.model_entries()
    summed = {name: sum(getattr(entry, name) for entry in entries) for name in TOKEN_FIELDS}
    for name, value in _tokens(metrics).items():
        if value != summed[name]:
            keys = sorted(key for key in metrics.details if not key.endswith("tool_call"))
            problems.append(
                f"{path}{name} = {value}, but the details model entries {keys} sum to "
                f"{summed[name]}"
            )
    duration, ttft = metrics.duration, metrics.time_to_first_token
    if duration is not None and duration < 0:
        problems.append(f"{path}duration is negative: {duration}")
    if duration is not None and ttft is not None and ttft > duration + 1e-9:
        problems.append(f"{path}time_to_first_token {ttft} s is longer than duration {duration} s")
    members: Sequence[RunOutput] = getattr(result, "member_responses", ())
    member_keys = [key for key in metrics.details if key.startswith("member_")]
    if result.is_team and (members or not member_keys):
        own = [
            entry
            for key, values in metrics.details.items()
            if not key.startswith("member_") and not key.endswith("tool_call")
            for entry in values
        ]
        for name in TOKEN_FIELDS:
            leader = sum(getattr(entry, name) for entry in own)
            from_members = sum(getattr(member.metrics, name) for member in members)
            value = getattr(metrics, name)
            if value != leader + from_members:
                problems.append(
                    f"{path}{name} = {value}, but the leader's own entries ({leader}) plus "
                    f"{len(members)} member run(s) ({from_members}) make {leader + from_members}"
                )
    elif result.is_team:
        problems.append(
            f"{path}member_responses is empty although details has {member_keys}: the member "
            "runs were not kept (store_member_responses=True keeps them when read back)"
        )
    for index, member in enumerate(members):
        problems.extend(_consistency_problems(member, f"{path}member_responses[{index}]."))
    return problems


def assert_metrics_consistent(result: RunOutput) -> None:
    """Assert the metrics invariants of DESIGN.md 3.7 on a run (and its member runs).

    - every token total equals the sum over the ``details`` model entries (all keys but the
      ``*tool_call`` ones);
    - a team run's totals equal its leader's own entries (keys without the ``member_`` prefix)
      plus the totals of every ``member_responses`` run, each of which is checked in turn;
    - ``duration`` is not negative and ``time_to_first_token`` is not longer than it.

    Raises:
        AssertionError: listing every broken invariant.
    """
    __tracebackhide__ = True
    _fail(result, "inconsistent metrics", _consistency_problems(result, ""))


def _details_shape(metrics: RunMetrics) -> dict[str, list[Any]]:
    shape: dict[str, list[Any]] = {}
    for key, entries in metrics.details.items():
        if key.endswith("tool_call"):
            shape[key] = [entry.tool_name for entry in entries]
        else:
            shape[key] = sorted(
                (
                    entry.model_type,
                    entry.provider,
                    entry.id,
                    entry.requests,
                    tuple(_tokens(entry).values()),
                )
                for entry in entries
            )
    return shape


def _parity_problems(direct: RunOutput, background: RunOutput, path: str) -> list[str]:
    problems = []
    for label, run in (("sync", direct), ("background", background)):
        if run.status.value != "COMPLETED":
            problems.append(f"{path}the {label} run is {run.status.value}: {run.error}")
        for name in ("duration", "time_to_first_token"):
            value = getattr(run.metrics, name)
            if value is None or value <= 0:
                problems.append(f"{path}the {label} run has no {name} ({value!r})")
    sync_tokens, bg_tokens = _tokens(direct.metrics), _tokens(background.metrics)
    for name, value in sync_tokens.items():
        if bg_tokens[name] != value:
            problems.append(f"{path}{name}: sync {value}, background {bg_tokens[name]}")
    sync_details, bg_details = _details_shape(direct.metrics), _details_shape(background.metrics)
    if sync_details != bg_details:
        problems.append(f"{path}details differ: sync {sync_details}, background {bg_details}")
    sync_members: Sequence[RunOutput] = getattr(direct, "member_responses", ())
    bg_members: Sequence[RunOutput] = getattr(background, "member_responses", ())
    if len(sync_members) != len(bg_members):
        problems.append(
            f"{path}member_responses: sync has {len(sync_members)}, background {len(bg_members)}"
        )
    else:
        for index, (one, other) in enumerate(zip(sync_members, bg_members, strict=True)):
            problems.extend(_parity_problems(one, other, f"{path}member_responses[{index}]."))
    return problems


def assert_background_parity(sync_result: RunOutput, background_result: RunOutput) -> None:
    """Assert that a background run reports the same metrics as the same run made directly.

    Both runs must be COMPLETED with a measured ``duration`` and ``time_to_first_token``; their
    token totals must be equal, and so must their ``details`` (per model: provider, id, type,
    requests and tokens; tool calls by name, in order), member runs included. Durations are
    timings and may differ.

    Raises:
        AssertionError: listing every difference.
    """
    __tracebackhide__ = True
    _fail(
        background_result,
        f"background parity with sync run {sync_result.run_id}",
        _parity_problems(sync_result, background_result, ""),
    )
