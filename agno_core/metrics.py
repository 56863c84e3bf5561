"""Run, model, tool-call and session metrics: plain dataclasses with documented fields.

Invariants the runtime keeps (and the tests check):

* a run's top-level token counts equal the sum over its ``details`` model entries (every key except
  ``"tool_call"``);
* a team run's totals equal the leader's own model calls plus every member run's totals;
* session metrics equal the sum over the session's stored top-level runs;
* metrics read back from the db equal the ones the run returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "MessageMetrics",
    "ModelMetrics",
    "RunMetrics",
    "SessionMetrics",
    "TokenCounts",
    "ToolCallMetrics",
]

_TOKEN_FIELDS = (
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

TOOL_CALL_KEY = "tool_call"
MEMBER_PREFIX = "member_"


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: Any) -> tuple[str, ...]:
    # ``dataclasses.fields`` walks every field object on each call; a stored run serialises
    # several of these entries.
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def is_tool_key(key: str) -> bool:
    """True for ``details`` keys holding `ToolCallMetrics` (``tool_call``, ``member_tool_call``)."""
    return key.endswith(TOOL_CALL_KEY)


@dataclass(kw_only=True, slots=True)
class TokenCounts:
    """Token counts as the provider reported them (one usage object per model call).

    Attributes:
        input_tokens: Prompt tokens (``prompt_tokens`` on Chat Completions).
        output_tokens: Completion tokens.
        total_tokens: As reported, or input + output when the provider gives none.
        cache_read_tokens: Prompt tokens served from the provider's cache.
        cache_write_tokens: Prompt tokens written to the provider's cache.
        reasoning_tokens: Hidden reasoning tokens (already part of ``output_tokens``).
        audio_input_tokens: Audio prompt tokens.
        audio_output_tokens: Audio completion tokens.
        audio_total_tokens: ``audio_input_tokens + audio_output_tokens``.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    audio_input_tokens: int = 0
    audio_output_tokens: int = 0
    audio_total_tokens: int = 0

    def add_tokens(self, other: TokenCounts) -> None:
        """Add ``other``'s token counts to this object in place."""
        # Spelled out (not a loop over `_TOKEN_FIELDS`): a team run adds counts a dozen times.
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.total_tokens += other.total_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.reasoning_tokens += other.reasoning_tokens
        self.audio_input_tokens += other.audio_input_tokens
        self.audio_output_tokens += other.audio_output_tokens
        self.audio_total_tokens += other.audio_total_tokens

    def tokens_dict(self) -> dict[str, int]:
        """The token fields as a dict."""
        return {name: getattr(self, name) for name in _TOKEN_FIELDS}


@dataclass(kw_only=True, slots=True)
class MessageMetrics(TokenCounts):
    """What one assistant message cost: the usage of the model call that produced it.

    Attributes:
        duration: Seconds the model call took.
        time_to_first_token: Seconds from the call's start to its first token.
    """

    duration: float | None = None
    time_to_first_token: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The non-zero fields (as Agno's ``MessageMetrics.to_dict``)."""
        data: dict[str, Any] = {}
        for name in _TOKEN_FIELDS:
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.duration is not None:
            data["duration"] = self.duration
        if self.time_to_first_token is not None:
            data["time_to_first_token"] = self.time_to_first_token
        return data

    @classmethod
    def from_usage(
        cls, usage: TokenCounts, duration: float | None, time_to_first_token: float | None
    ) -> MessageMetrics:
        """The metrics of the message a model call with this usage produced."""
        return cls(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            total_tokens=usage.total_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            reasoning_tokens=usage.reasoning_tokens,
            audio_input_tokens=usage.audio_input_tokens,
            audio_output_tokens=usage.audio_output_tokens,
            audio_total_tokens=usage.audio_total_tokens,
            duration=duration,
            time_to_first_token=time_to_first_token,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MessageMetrics:
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(kw_only=True, slots=True)
class ModelMetrics(TokenCounts):
    """Usage of one model (provider + model id) within a run, summed over its calls.

    Attributes:
        id: The model id, e.g. ``"gpt-4o-mini"``.
        provider: The provider name, e.g. ``"OpenAI"``.
        model_type: The role the model played (``"model"``, ``"memory_model"``, ...).
        requests: Number of model calls.
        duration: Seconds spent waiting on those calls.
        time_to_first_token: Seconds from the first call's start to its first token.
        cost: Cost in USD when the provider reports it.
    """

    id: str
    provider: str
    model_type: str = "model"
    requests: int = 0
    duration: float = 0.0
    time_to_first_token: float | None = None
    cost: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _field_names(type(self))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelMetrics:
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(kw_only=True, slots=True)
class ToolCallMetrics:
    """One tool call.

    Attributes:
        tool_name: The function's name.
        tool_call_id: The id the model gave the call.
        duration: Seconds the tool took.
        error: The error message when the tool raised, else None.
    """

    tool_name: str
    tool_call_id: str | None = None
    duration: float = 0.0
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _field_names(type(self))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolCallMetrics:
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})


DetailEntry = ModelMetrics | ToolCallMetrics


@dataclass(kw_only=True, slots=True)
class RunMetrics(TokenCounts):
    """What one run cost.

    Attributes:
        duration: Seconds the run itself took (a background run's queue wait excluded).
        time_to_first_token: Seconds from the run's start to the first content token.
        queue_wait: Seconds a background run waited in the scheduler before starting.
        cost: Cost in USD when known.
        details: Per-model usage under ``"model"`` (and ``"memory_model"`` etc. for auxiliary
            models), and one `ToolCallMetrics` per tool call under ``"tool_call"``.
    """

    duration: float | None = None
    time_to_first_token: float | None = None
    queue_wait: float | None = None
    cost: float | None = None
    details: dict[str, list[Any]] = field(default_factory=dict)

    # -- building -------------------------------------------------------------------------
    def add_model_usage(
        self,
        usage: TokenCounts,
        *,
        model_id: str,
        provider: str,
        model_type: str = "model",
        duration: float = 0.0,
        time_to_first_token: float | None = None,
        cost: float | None = None,
    ) -> None:
        """Account one model call: totals and the ``details[model_type]`` entry of that model."""
        self.add_tokens(usage)
        if cost is not None:
            self.cost = (self.cost or 0.0) + cost
        entries = self.details.setdefault(model_type, [])
        for entry in entries:
            if entry.id == model_id and entry.provider == provider:
                break
        else:
            entry = ModelMetrics(id=model_id, provider=provider, model_type=model_type)
            entries.append(entry)
        entry.add_tokens(usage)
        entry.requests += 1
        entry.duration += duration
        if entry.time_to_first_token is None:
            entry.time_to_first_token = time_to_first_token
        if cost is not None:
            entry.cost = (entry.cost or 0.0) + cost

    def add_tool_call(self, metrics: ToolCallMetrics) -> None:
        self.details.setdefault(TOOL_CALL_KEY, []).append(metrics)

    def merge(self, other: RunMetrics, *, prefix: str = MEMBER_PREFIX) -> None:
        """Add a team member's run into this (team) run: totals, and details under ``member_*``.

        The member's ``"model"`` entries land under ``"member_model"`` (its tool calls under
        ``"member_tool_call"``), so the team's own model calls stay apart from its members'.
        """
        self.add_tokens(other)
        if other.cost is not None:
            self.cost = (self.cost or 0.0) + other.cost
        for key, entries in other.details.items():
            target = key if key.startswith(prefix) else prefix + key
            for entry in entries:
                if isinstance(entry, ToolCallMetrics):
                    self.details.setdefault(target, []).append(entry)
                else:
                    _merge_model_entry(self.details, target, entry)

    def model_entries(self) -> list[ModelMetrics]:
        """Every model entry in ``details`` (all keys but the tool-call ones)."""
        return [e for k, v in self.details.items() if not is_tool_key(k) for e in v]

    # -- (de)serialisation ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.tokens_dict()
        data.update(
            duration=self.duration,
            time_to_first_token=self.time_to_first_token,
            queue_wait=self.queue_wait,
            cost=self.cost,
            details={k: [e.to_dict() for e in v] for k, v in self.details.items()},
        )
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RunMetrics:
        if not data:
            return cls()
        tokens: dict[str, Any] = {k: int(data.get(k, 0) or 0) for k in _TOKEN_FIELDS}
        metrics = cls(**tokens)
        metrics.duration = data.get("duration")
        metrics.time_to_first_token = data.get("time_to_first_token")
        metrics.queue_wait = data.get("queue_wait")
        metrics.cost = data.get("cost")
        for key, entries in (data.get("details") or {}).items():
            kind = ToolCallMetrics if is_tool_key(key) else ModelMetrics
            metrics.details[key] = [kind.from_dict(e) for e in entries]
        return metrics


@dataclass(kw_only=True, slots=True)
class SessionMetrics(TokenCounts):
    """Usage of a whole session, computed from its stored top-level runs.

    A team run's totals already include its members, so member runs are not counted twice.

    Attributes:
        session_id: The session.
        runs: Number of top-level runs counted.
        duration: Sum of the runs' durations (seconds).
        cost: Sum of known costs.
        details: Per-model usage summed over the runs (``"model"``, ``"memory_model"``, ...).
    """

    session_id: str | None = None
    runs: int = 0
    duration: float = 0.0
    cost: float | None = None
    details: dict[str, list[ModelMetrics]] = field(default_factory=dict)

    def add_run(self, run: RunMetrics) -> None:
        self.runs += 1
        self.add_tokens(run)
        self.duration += run.duration or 0.0
        if run.cost is not None:
            self.cost = (self.cost or 0.0) + run.cost
        for key, entries in run.details.items():
            if is_tool_key(key):
                continue
            for entry in entries:
                _merge_model_entry(self.details, key, entry)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"session_id": self.session_id, "runs": self.runs}
        data.update(self.tokens_dict())
        data.update(
            duration=self.duration,
            cost=self.cost,
            details={k: [e.to_dict() for e in v] for k, v in self.details.items()},
        )
        return data


def _merge_model_entry(details: dict[str, list[Any]], key: str, entry: ModelMetrics) -> None:
    """Add ``entry`` to the ``details[key]`` entry of the same model (or a copy of it)."""
    for mine in details.setdefault(key, []):
        if mine.id == entry.id and mine.provider == entry.provider:
            mine.add_tokens(entry)
            mine.requests += entry.requests
            mine.duration += entry.duration
            if entry.cost is not None:
                mine.cost = (mine.cost or 0.0) + entry.cost
            return
    details[key].append(ModelMetrics.from_dict(entry.to_dict()))
