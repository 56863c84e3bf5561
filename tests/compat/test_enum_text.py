"""Run statuses and event names print as Agno's do: ``(str, Enum)``, not ``StrEnum``.

Agno code prints ``f"Status: {run.status}"`` and its documentation shows ``RunStatus.pending``;
the values still compare equal to the stored text and serialise as it.
"""

from __future__ import annotations

import json
import pickle

import pytest

from agno_core.run.agent import RunEvent
from agno_core.run.base import RunStatus
from agno_core.run.team import TeamRunEvent


@pytest.mark.parametrize(
    ("member", "text", "value"),
    [
        (RunStatus.pending, "RunStatus.pending", "PENDING"),
        (RunStatus.completed, "RunStatus.completed", "COMPLETED"),
        (RunEvent.run_content, "RunEvent.run_content", "RunContent"),
        (TeamRunEvent.run_completed, "TeamRunEvent.run_completed", "TeamRunCompleted"),
    ],
)
def test_str_and_format_are_agnos_and_the_value_is_the_stored_text(
    member: RunStatus | RunEvent | TeamRunEvent, text: str, value: str
) -> None:
    assert str(member) == f"{member}" == text
    assert member == value and member.value == value and hash(member) == hash(value)
    assert json.dumps({"status": member}) == json.dumps({"status": value})
    assert pickle.loads(pickle.dumps(member)) is member
    assert type(member)(value) is member
