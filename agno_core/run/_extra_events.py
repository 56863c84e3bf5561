"""Agno's other run events: the output model's, `CustomEvent`, and the names agno_core never
emits (reasoning, parser model, compression), kept so that Agno code importing them or testing
``isinstance(event, ...)`` runs unchanged.

Emitted by agno_core: `IntermediateRunContentEvent` (the main model's text when an
``output_model`` writes the answer, with ``stream_events``), `OutputModelResponseStartedEvent` /
`OutputModelResponseCompletedEvent` around the output model's call (with ``stream_events``), and
the `CustomEvent`s a tool yields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from agno_core.run._events import BaseRunEvent

__all__ = [
    "CompressionCompletedEvent",
    "CompressionStartedEvent",
    "CustomEvent",
    "IntermediateRunContentEvent",
    "OutputModelResponseCompletedEvent",
    "OutputModelResponseStartedEvent",
    "ParserModelResponseCompletedEvent",
    "ParserModelResponseStartedEvent",
    "ReasoningCompletedEvent",
    "ReasoningContentDeltaEvent",
    "ReasoningStartedEvent",
    "ReasoningStepEvent",
]


@dataclass(kw_only=True, slots=True)
class IntermediateRunContentEvent(BaseRunEvent):
    """A piece of the main model's text when an ``output_model`` writes the run's answer."""

    content_type: str = "str"


@dataclass(kw_only=True, slots=True)
class OutputModelResponseStartedEvent(BaseRunEvent):
    """The output model is called."""


@dataclass(kw_only=True, slots=True)
class OutputModelResponseCompletedEvent(BaseRunEvent):
    """The output model has answered."""


@dataclass(kw_only=True, slots=True)
class ParserModelResponseStartedEvent(BaseRunEvent):
    """Never emitted: agno_core has no parser model (``output_schema`` is validated directly)."""


@dataclass(kw_only=True, slots=True)
class ParserModelResponseCompletedEvent(BaseRunEvent):
    """Never emitted (see `ParserModelResponseStartedEvent`)."""


@dataclass(kw_only=True, slots=True)
class ReasoningStartedEvent(BaseRunEvent):
    """Never emitted: agno_core has no reasoning agent (``reasoning=True``)."""


@dataclass(kw_only=True, slots=True)
class ReasoningStepEvent(BaseRunEvent):
    """Never emitted (see `ReasoningStartedEvent`)."""

    reasoning_content: str = ""


@dataclass(kw_only=True, slots=True)
class ReasoningContentDeltaEvent(BaseRunEvent):
    """Never emitted (see `ReasoningStartedEvent`)."""

    reasoning_content: str = ""


@dataclass(kw_only=True, slots=True)
class ReasoningCompletedEvent(BaseRunEvent):
    """Never emitted (see `ReasoningStartedEvent`)."""


@dataclass(kw_only=True, slots=True)
class CompressionStartedEvent(BaseRunEvent):
    """Never emitted: agno_core does not compress tool results."""


@dataclass(kw_only=True, slots=True)
class CompressionCompletedEvent(BaseRunEvent):
    """Never emitted (see `CompressionStartedEvent`)."""


@dataclass(kw_only=True, init=False)
class CustomEvent(BaseRunEvent):
    """An event of the user's own, yielded by a tool (a generator, sync or async), as in Agno.

    Subclass it as a dataclass with the fields you need, or give any attributes as keywords
    (``CustomEvent(progress=0.5)``). When the tool yields it, the run fills in its run, session,
    agent and ``tool_call_id`` fields, streams it (with ``stream_events=True``) between the
    tool's ``ToolCallStarted`` and ``ToolCallCompleted``, and adds ``str(event)`` to the tool's
    result, as Agno does. Yielded by a sync generator tool, the events are streamed when the
    tool returns; by an async one, as they are yielded.
    """

    event: str = "CustomEvent"
    run_id: str = ""
    session_id: str = ""
    tool_call_id: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        for f in dataclasses.fields(self):
            if f.default is not dataclasses.MISSING:
                setattr(self, f.name, f.default)
            elif f.default_factory is not dataclasses.MISSING:
                setattr(self, f.name, f.default_factory())
        for key, value in kwargs.items():
            setattr(self, key, value)
