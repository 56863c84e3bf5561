"""``pprint_run_response``: print a run's answer, or a stream of its events, as Agno does.

Plain text on stdout: the content of a finished run, or the content of a stream's content events
as they arrive, then a newline. With ``markdown=True`` a finished run's text is rendered with
``rich`` when it is installed (as Agno renders it), else printed as the markdown it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterable, Iterable
from typing import Any

from pydantic import BaseModel

from agno_core.run._output import RunOutput

__all__ = ["apprint_run_response", "pprint_run_response"]

_CONTENT_EVENTS = ("RunContent", "TeamRunContent")


def _text(content: Any) -> str:
    if isinstance(content, BaseModel):
        return content.model_dump_json(indent=2, exclude_none=True)
    if isinstance(content, str):
        return content
    return json.dumps(content, indent=4, default=str)


def _piece(item: Any) -> str | None:
    """The text a streamed item adds: a top-level content event's content, else nothing."""
    if isinstance(item, RunOutput):
        return None
    if (
        getattr(item, "event", None) in _CONTENT_EVENTS
        and getattr(item, "parent_run_id", None) is None
    ):
        content = getattr(item, "content", None)
        return None if content is None else _text(content)
    return None


def _print_output(output: RunOutput, markdown: bool) -> None:
    text = _text(output.content)
    if markdown and isinstance(output.content, str):
        try:
            from rich.console import Console
            from rich.markdown import Markdown
        except ImportError:
            pass
        else:
            Console().print(Markdown(text))
            return
    print(text)


def pprint_run_response(
    run_response: RunOutput | Iterable[Any], markdown: bool = False, show_time: bool = False
) -> None:
    """Print a `RunOutput`'s content, or a stream's content as it arrives.

    Args:
        run_response: ``agent.run(...)``'s output, or ``agent.run(..., stream=True)``.
        markdown: Render a finished run's text as markdown (with ``rich`` when installed).
        show_time: Print the seconds the response took after it.
    """
    start = time.perf_counter()
    if isinstance(run_response, RunOutput):
        _print_output(run_response, markdown)
    else:
        for item in run_response:
            piece = _piece(item)
            if piece:
                print(piece, end="", flush=True)
        print()
    if show_time:
        print(f"({time.perf_counter() - start:.1f}s)")


async def apprint_run_response(
    run_response: RunOutput | AsyncIterable[Any], markdown: bool = False, show_time: bool = False
) -> None:
    """`pprint_run_response` for ``await agent.arun(...)`` or ``agent.arun(..., stream=True)``."""
    start = time.perf_counter()
    if isinstance(run_response, RunOutput):
        _print_output(run_response, markdown)
    else:
        async for item in run_response:
            piece = _piece(item)
            if piece:
                print(piece, end="", flush=True)
        print()
    if show_time:
        print(f"({time.perf_counter() - start:.1f}s)")
