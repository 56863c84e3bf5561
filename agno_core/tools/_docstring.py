"""Reading a tool's docstring the way Agno does (its ``docstring_parser`` conventions).

The description and the argument descriptions the model receives come from here, so the
details are Agno's: the summary line and the body are joined with one newline (the blank line
between them is dropped), a continued argument description keeps its line breaks, and an
argument documented with a type (``b (int): ...``) is described as ``"(int) ..."``. Google-style
(``Args:``) and ReST-style (``:param x:``) docstrings are understood; for any other the whole
text is the description.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

__all__ = ["Docstring", "parse_docstring"]

_GOOGLE_TITLES = (
    "Arguments|Args|Parameters|Params|Raises|Exceptions|Except|Attributes|Example|Examples|"
    "Returns|Yields"
)
_GOOGLE_TITLE = re.compile(rf"^({_GOOGLE_TITLES}):[ \t\r\f\v]*$", re.M)
_GOOGLE_PARAM_SECTIONS = frozenset({"Arguments", "Args", "Parameters", "Params"})
_GOOGLE_TYPED_ARG = re.compile(r"\s*(.+?)\s*\(\s*(.*[^\s]+)\s*\)")
_REST_PARAM_KEYS = frozenset(
    {"param", "parameter", "arg", "argument", "attribute", "key", "keyword"}
)


@dataclass(kw_only=True, slots=True)
class Docstring:
    """What a docstring tells the model.

    Attributes:
        description: Summary and body, joined with one newline.
        params: Argument name -> ``(type named in the docstring or None, description)``.
    """

    description: str = ""
    params: dict[str, tuple[str | None, str]] = field(default_factory=dict)


def _description(chunk: str) -> str:
    first, _, rest = chunk.partition("\n")
    lines = [first] if first else []
    if rest.strip():
        lines.extend(rest.strip().split("\n"))
    return "\n".join(lines)


def _google_params(meta: str) -> dict[str, tuple[str | None, str]]:
    params: dict[str, tuple[str | None, str]] = {}
    titles = list(_GOOGLE_TITLE.finditer(meta))
    for index, title in enumerate(titles):
        end = titles[index + 1].start() if index + 1 < len(titles) else len(meta)
        if title.group(1) not in _GOOGLE_PARAM_SECTIONS:
            continue
        chunk = meta[title.end() : end]
        unknown = re.search(r"\n\S", chunk)  # text back at the left margin ends the section
        if unknown is not None:
            chunk = chunk[: unknown.start()]
        chunk = chunk.strip("\n")
        indent_match = re.match(r"^\s*", chunk)
        indent = indent_match.group() if indent_match else ""
        starts = list(re.finditer("^" + re.escape(indent) + r"(?=\S)", chunk, flags=re.M))
        for i, start in enumerate(starts):
            stop = starts[i + 1].start() if i + 1 < len(starts) else len(chunk)
            part = chunk[start.end() : stop].strip("\n")
            if ":" not in part:
                continue
            before, desc = part.split(":", 1)
            if desc:
                desc = desc[1:] if desc[0] == " " else desc
                if "\n" in desc:
                    first, rest = desc.split("\n", 1)
                    desc = first + "\n" + inspect.cleandoc(rest)
                desc = desc.strip("\n")
            typed = _GOOGLE_TYPED_ARG.match(before)
            if typed:
                name, type_name = typed.group(1), typed.group(2)
                if type_name.endswith(", optional"):
                    type_name = type_name[:-10]
                elif type_name.endswith("?"):
                    type_name = type_name[:-1]
                params[name] = (type_name, desc)
            else:
                params[before] = (None, desc)
    return params


def _rest_params(meta: str) -> tuple[dict[str, tuple[str | None, str]], int]:
    params: dict[str, tuple[str | None, str]] = {}
    types: dict[str, str] = {}
    count = 0
    for match in re.finditer(r"(^:.*?)(?=^:|\Z)", meta, flags=re.S | re.M):
        chunk = match.group(0)
        if ":" not in chunk.lstrip(":"):
            continue
        args_chunk, desc = chunk.lstrip(":").split(":", 1)
        args = args_chunk.split()
        desc = desc.strip()
        if "\n" in desc:
            first, rest = desc.split("\n", 1)
            desc = first + "\n" + inspect.cleandoc(rest)
        if len(args) == 2 and args[0] == "type":
            types[args[1]] = desc
            continue
        if args and args[0] == "rtype":
            continue
        count += 1
        if args and args[0] in _REST_PARAM_KEYS and len(args) in (2, 3):
            type_name = args[1].removesuffix("?") if len(args) == 3 else None
            params[args[-1]] = (type_name, desc)
    for name, (type_name, desc) in params.items():
        params[name] = (type_name or types.get(name), desc)
    return params, count


def parse_docstring(doc: str | None) -> Docstring:
    """The description and argument descriptions in ``doc`` (already ``inspect.getdoc``-ed)."""
    if not doc:
        return Docstring()
    text = inspect.cleandoc(doc)
    rest_start = re.search("^:", text, flags=re.M)
    rest_params, rest_count = _rest_params(text[rest_start.start() :]) if rest_start else ({}, 0)
    google_start = _GOOGLE_TITLE.search(text)
    google_meta = text[google_start.start() :] if google_start else ""
    google_params = _google_params(google_meta)
    other_sections = sum(
        1 for m in _GOOGLE_TITLE.finditer(google_meta) if m.group(1) not in _GOOGLE_PARAM_SECTIONS
    )
    # Like docstring_parser's auto mode: the style that finds more entries wins, ReST on a tie.
    if google_start and len(google_params) + other_sections > rest_count:
        return Docstring(
            description=_description(text[: google_start.start()]), params=google_params
        )
    chunk = text[: rest_start.start()] if rest_start else text
    return Docstring(description=_description(chunk), params=rest_params)
