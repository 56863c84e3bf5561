"""Reading what the mock model received, the same way on both OpenAI endpoints."""

from __future__ import annotations

from typing import Any

from pytest_agno.mock import RecordedRequest

__all__ = ["conversation", "raw_roles", "system_text", "tool_names"]


def conversation(request: RecordedRequest) -> list[tuple[str, str]]:
    """``(role, text)`` of every message; tool calls as ``("call", name)`` and tool results as
    ``("tool", output)``; the ``developer`` role (the system message, as Agno sends it) reads as
    ``system``; a message of tool calls has no text of its own."""
    body = request.json
    out: list[tuple[str, str]] = []
    if request.endpoint == "chat":
        for m in body["messages"]:
            for call in m.get("tool_calls") or ():
                out.append(("call", call["function"]["name"]))
            if m["role"] == "tool":
                out.append(("tool", m["content"]))
            elif m.get("content") is None or (m.get("tool_calls") and not m["content"]):
                continue
            else:
                out.append(("system" if m["role"] == "developer" else m["role"], m["content"]))
        return out
    items: Any = body["input"]
    for item in items if isinstance(items, list) else [{"role": "user", "content": items}]:
        if item.get("type") == "function_call":
            out.append(("call", item["name"]))
        elif item.get("type") == "function_call_output":
            out.append(("tool", item["output"]))
        else:
            role = "system" if item["role"] == "developer" else item["role"]
            out.append((role, item["content"]))
    return out


def raw_roles(request: RecordedRequest) -> list[str]:
    """The roles as sent (``developer`` stays ``developer``)."""
    key = "messages" if request.endpoint == "chat" else "input"
    return [m["role"] for m in request.json[key] if "role" in m]


def system_text(request: RecordedRequest) -> str:
    """The system (or developer) message's text; empty when there is none."""
    return "\n".join(t for r, t in conversation(request) if r in ("system", "developer"))


def tool_names(request: RecordedRequest) -> list[str]:
    """The names of the tools offered."""
    tools = request.json.get("tools") or []
    if request.endpoint == "chat":
        return [t["function"]["name"] for t in tools]
    return [t["name"] for t in tools]
