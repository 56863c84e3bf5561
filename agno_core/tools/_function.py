"""Turning Python callables into tools a model can call."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, get_type_hints, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from agno_core.tools._docstring import parse_docstring
from agno_core.tools._schema import SchemaKind, arguments_schema, wire_parameters
from agno_core.tools._user_input import UserInputField

__all__ = ["INJECTED_PARAMS", "Function", "ToolError", "ToolResult", "tool"]

# Parameters the runtime fills in (as Agno does) instead of the model: the running agent, the
# team, and the run's context. They are left out of the tool's schema.
INJECTED_PARAMS = ("agent", "team", "run_context")


class ToolError(Exception):
    """Raised for a tool call that cannot be made (unknown tool, arguments that do not validate)."""


def _type_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """The resolved annotations of ``fn``; one that cannot be resolved becomes ``Any`` alone.

    With ``from __future__ import annotations`` every annotation is a string, and
    `get_type_hints` fails as a whole when one names a class it cannot see (e.g. one defined in
    the enclosing function). The other parameters must keep their types.
    """
    try:
        return get_type_hints(fn)
    except Exception:
        pass
    target = fn if inspect.isfunction(fn) or inspect.ismethod(fn) else type(fn).__call__
    globalns = getattr(inspect.unwrap(target), "__globals__", {})
    hints: dict[str, Any] = {}
    for name, annotation in getattr(target, "__annotations__", {}).items():
        try:
            hints[name] = get_type_hints(_Annotated(name, annotation), globalns)[name]
        except Exception:  # unresolvable: left out, the parameter accepts anything
            continue
    return hints


class _Annotated:
    """An object carrying a single annotation, so `get_type_hints` resolves them one at a time."""

    def __init__(self, name: str, annotation: Any) -> None:
        self.__annotations__ = {name: annotation}


class ToolResult(BaseModel):
    """What a tool may return instead of text (Agno's ``ToolResult``): the model gets
    ``content``; ``metadata`` is free-form data kept with it. Agno's media fields (images,
    videos, audios, files) are not part of agno_core: giving one is a validation error."""

    model_config = ConfigDict(extra="forbid")

    content: str
    metadata: dict[str, Any] | None = None


def _takes_self(fn: Callable[..., Any]) -> bool:
    """A plain function whose first parameter is ``self``: a method, not yet bound."""
    if not inspect.isfunction(fn):
        return False
    params = list(inspect.signature(fn).parameters)
    return bool(params) and params[0] == "self"


@dataclass(kw_only=True, slots=True)
class Function:
    """A tool: a callable plus the JSON schema the model sees.

    Build one with `Function.from_callable` or the `tool` decorator; agents also accept plain
    functions and do this for you.

    Attributes:
        name: The name the model calls it by.
        description: What it does (the docstring's summary by default).
        parameters: JSON schema of the arguments.
        entrypoint: The callable (sync or async).
        strict: Ask the provider for strict argument schemas (None: as the agent decides,
            strict when it asks for a structured output natively, as in Agno).
        show_result: The result is also part of the run's answer, before the model's final
            words (streamed as a ``RunContent`` event when it comes), as in Agno.
        stop_after_tool_call: End the run with the tool's result as the content.
        injected_params: Parameters filled in by the runtime (``agent``, ``team``,
            ``run_context``), not by the model.
        max_calls: At most this many calls of this tool per run; later calls are refused
            (the model gets an error result) while other tools keep working.
        pre_hook, post_hook: Called before / after each call with the arguments they declare
            among ``fc`` (the `FunctionCall`; ``fc.result`` after the call), ``agent``,
            ``team``, ``run_context`` and ``messages`` (the run's messages so far).
        requires_confirmation: A call pauses the run until the user confirms or rejects it
            (human in the loop: ``RunOutput.requirements``, then ``agent.continue_run``).
        requires_user_input: A call pauses the run until the user fills in arguments: those
            in ``user_input_fields`` (left out of the schema the model sees), or all of them.
        user_input_fields: The arguments only the user gives (implies
            ``requires_user_input``).
        external_execution: A call pauses the run; the caller runs the tool itself and gives
            its result back when continuing the run.
        external_execution_silent: With ``external_execution``, the paused run gets no
            "I have tools to execute" content.
        title: A name for people (not sent to the model), as Agno's.
        annotations: Free-form hints about the tool (Agno's, for MCP clients); kept, not sent.
        instructions: How to use the tool, added to the system message (with
            ``add_instructions``, the default).
        cache_results: Keep each result on disk for ``cache_ttl`` seconds, keyed by the tool's
            name and arguments, and answer the same call from it (``cache_dir``; default: a
            folder in the system's temp dir).
        tool_hooks: Middleware wrapped around each call (see `agno_core.run._tool_middleware`);
            an agent's ``tool_hooks`` take their place.
    """

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    entrypoint: Callable[..., Any]
    strict: bool | None = None
    show_result: bool = False
    stop_after_tool_call: bool = False
    injected_params: tuple[str, ...] = ()
    _arguments_model: type[BaseModel] | None = None
    max_calls: int | None = None
    pre_hook: Callable[..., Any] | None = None
    post_hook: Callable[..., Any] | None = None
    requires_confirmation: bool = False
    requires_user_input: bool = False
    user_input_fields: tuple[str, ...] = ()
    external_execution: bool = False
    external_execution_silent: bool = False
    title: str | None = None
    annotations: dict[str, Any] | None = None
    instructions: str | None = None
    add_instructions: bool = True
    cache_results: bool = False
    cache_dir: str | None = None
    cache_ttl: int = 3600
    tool_hooks: list[Callable[..., Any]] | None = None
    # (name, type, description, default) of each argument the user may be asked for.
    _user_input_spec: tuple[tuple[str, Any, str | None, Any], ...] = ()
    # How the tool reached the agent, which decides how its schema is sent (see _schema.py).
    _schema_kind: SchemaKind = "callable"
    # `parameters` as built under Agno's agent-level strict mode (None: not from a signature).
    _strict_parameters: dict[str, Any] | None = None
    # The human-in-the-loop flags Agno sends with the definition (those set explicitly).
    _wire_flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.user_input_fields:
            self.requires_user_input = True
        flags = (self.requires_confirmation, self.requires_user_input, self.external_execution)
        if sum(bool(flag) for flag in flags) > 1:
            raise ValueError(
                f"tool {self.name!r}: only one of requires_confirmation, requires_user_input "
                "and external_execution can be set"
            )

    def __get__(self, instance: Any, owner: type | None = None) -> Function:
        # ``@tool`` on a method (of a Toolkit): read from an instance, the tool calls the
        # method bound to it, as the plain method would be.
        if instance is None or not _takes_self(self.entrypoint):
            return self
        return dataclasses.replace(self, entrypoint=self.entrypoint.__get__(instance, owner))

    @property
    def pauses_run(self) -> bool:
        """True when a call of this tool waits for the user (human in the loop)."""
        return self.requires_confirmation or self.requires_user_input or self.external_execution

    def user_input_schema(self, given: dict[str, Any] | None = None) -> list[UserInputField]:
        """Fresh fields for a paused call, holding the values the model ``given`` (else the
        parameter's default)."""
        given = given or {}
        spec = self._user_input_spec or tuple((name, str, None, None) for name in given)
        return [
            UserInputField(
                name=name, field_type=kind, description=doc, value=given.get(name, default)
            )
            for name, kind, doc, default in spec
        ]

    @classmethod
    def from_callable(
        cls,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool | None = None,
        show_result: bool = False,
        stop_after_tool_call: bool = False,
        max_calls: int | None = None,
        pre_hook: Callable[..., Any] | None = None,
        post_hook: Callable[..., Any] | None = None,
        requires_confirmation: bool = False,
        requires_user_input: bool = False,
        user_input_fields: Sequence[str] | None = None,
        external_execution: bool = False,
        external_execution_silent: bool = False,
        **options: Any,
    ) -> Function:
        """Build a tool from a function: its schema comes from the signature, hints, docstring.

        ``options``: ``title``, ``annotations``, ``instructions``, ``add_instructions``,
        ``cache_results``, ``cache_dir``, ``cache_ttl`` (see the class).
        """
        doc = parse_docstring(inspect.getdoc(fn))
        param_docs = {
            arg: f"({kind}) {text}" if kind else text for arg, (kind, text) in doc.params.items()
        }
        hints = _type_hints(fn)
        fields: dict[str, Any] = {}
        injected: list[str] = []
        schema_hints: dict[str, Any] = {}
        required: list[str] = []
        for param in inspect.signature(fn).parameters.values():
            if param.name in INJECTED_PARAMS:
                injected.append(param.name)
                continue
            if param.name in ("self", "cls"):
                continue
            # Agno describes *args/**kwargs like any argument; they are not validated.
            schema_hints[param.name] = hints.get(param.name)
            if param.default is param.empty:
                required.append(param.name)
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            annotation = hints.get(param.name, Any)
            default = ... if param.default is param.empty else param.default
            fields[param.name] = (
                annotation,
                Field(default, description=doc.params.get(param.name, (None, ""))[1] or None),
            )
        tool_name: str = name or getattr(fn, "__name__", None) or type(fn).__name__
        model = create_model(
            f"{tool_name}_arguments", __config__=ConfigDict(arbitrary_types_allowed=True), **fields
        )
        user_fields = tuple(user_input_fields or ())
        spec: tuple[tuple[str, Any, str | None, Any], ...] = ()
        if requires_user_input or user_fields:
            spec = tuple(
                (
                    name,
                    hints.get(name, str),
                    doc.params.get(name, (None, ""))[1] or None,
                    None if info.is_required() else info.default,
                )
                for name, (_, info) in fields.items()
            )
            # The model is not asked for what only the user gives.
            for name in user_fields:
                schema_hints.pop(name, None)
            required = [n for n in required if n not in user_fields]
        schema = arguments_schema(schema_hints, param_docs, required)
        strict_schema = arguments_schema(schema_hints, param_docs, required, strict=True)
        return cls(
            name=tool_name,
            description=description if description is not None else doc.description,
            parameters=schema,
            _strict_parameters=strict_schema,
            entrypoint=fn,
            strict=strict,
            show_result=show_result,
            stop_after_tool_call=stop_after_tool_call,
            injected_params=tuple(injected),
            _arguments_model=model,
            max_calls=max_calls,
            pre_hook=pre_hook,
            post_hook=post_hook,
            requires_confirmation=requires_confirmation,
            requires_user_input=requires_user_input,
            user_input_fields=user_fields,
            external_execution=external_execution,
            external_execution_silent=external_execution_silent,
            _user_input_spec=spec,
            **options,
        )

    def to_openai_schema(self, *, agent_strict: bool = False) -> dict[str, Any]:
        """The function definition Agno sends: ``name``, ``description``, ``parameters``, then
        ``strict`` and the human-in-the-loop flags when Agno sends them.

        ``agent_strict``: the agent asks for a structured output natively, which makes every
        tool without its own ``strict`` strict (as in Agno).
        """
        strict = self.strict if self.strict is not None else agent_strict
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            # A copy: adapters may adjust what they send.
            "parameters": copy.deepcopy(
                wire_parameters(self.parameters, self._strict_parameters, self._schema_kind, strict)
            ),
        }
        if self.strict is not None or agent_strict:
            data["strict"] = strict
        for flag in self._wire_flags:
            data[flag] = getattr(self, flag)
        return data

    def parse_arguments(self, raw: str | dict[str, Any] | None) -> dict[str, Any]:
        """Decode and validate the model's arguments; raises `ToolError` with a readable reason."""
        data = self.decode_arguments(raw)
        if self._arguments_model is None:
            return data
        try:
            validated = self._arguments_model.model_validate(data)
        except ValidationError as exc:
            raise ToolError(f"invalid arguments for {self.name!r}: {exc}") from None
        return {name: getattr(validated, name) for name in type(validated).model_fields}

    def decode_arguments(self, raw: str | dict[str, Any] | None) -> dict[str, Any]:
        """The model's arguments as a dict, not validated; `ToolError` if they are no object."""
        if raw is None or raw == "":
            data: Any = {}
        elif isinstance(raw, dict):
            data = raw
        else:
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ToolError(f"arguments for {self.name!r} are not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ToolError(f"arguments for {self.name!r} must be a JSON object, got {raw!r}")
        return data

    async def acall(self, arguments: dict[str, Any]) -> Any:
        """Call the tool; awaits the result of async tools."""
        result = self.entrypoint(**arguments)
        if inspect.isawaitable(result):
            result = await result
        return result


@overload
@overload
def tool(fn: Callable[..., Any], /) -> Function: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
    show_result: bool = False,
    stop_after_tool_call: bool = False,
    max_calls: int | None = None,
    pre_hook: Callable[..., Any] | None = None,
    post_hook: Callable[..., Any] | None = None,
    requires_confirmation: bool | None = None,
    requires_user_input: bool = False,
    user_input_fields: Sequence[str] | None = None,
    external_execution: bool | None = None,
    external_execution_silent: bool = False,
    title: str | None = None,
    annotations: dict[str, Any] | None = None,
    instructions: str | None = None,
    add_instructions: bool = True,
    cache_results: bool = False,
    cache_dir: str | None = None,
    cache_ttl: int = 3600,
    tool_hooks: list[Callable[..., Any]] | None = None,
) -> Callable[[Callable[..., Any]], Function]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
    show_result: bool = False,
    stop_after_tool_call: bool = False,
    max_calls: int | None = None,
    pre_hook: Callable[..., Any] | None = None,
    post_hook: Callable[..., Any] | None = None,
    requires_confirmation: bool | None = None,
    requires_user_input: bool = False,
    user_input_fields: Sequence[str] | None = None,
    external_execution: bool | None = None,
    external_execution_silent: bool = False,
    title: str | None = None,
    annotations: dict[str, Any] | None = None,
    instructions: str | None = None,
    add_instructions: bool = True,
    cache_results: bool = False,
    cache_dir: str | None = None,
    cache_ttl: int = 3600,
    tool_hooks: list[Callable[..., Any]] | None = None,
) -> Function | Callable[[Callable[..., Any]], Function]:
    """Decorator that turns a function into a `Function` tool.

    Use bare (``@tool``) or with options (``@tool(name="lookup", description="...")``). The
    human-in-the-loop options (``requires_confirmation``, ``requires_user_input`` with
    ``user_input_fields``, ``external_execution``) pause the run at a call of the tool; see
    `Function`. ``tool_hooks`` wrap each call, as Agno's middleware (an agent's own
    ``tool_hooks`` take their place).
    """

    # Agno sends the human-in-the-loop flags a @tool was given explicitly, even False ones.
    given = {
        "requires_confirmation": requires_confirmation,
        "external_execution": external_execution,
    }
    wire_flags = tuple(flag for flag, value in given.items() if value is not None)

    def wrap(f: Callable[..., Any] | Callable[..., Awaitable[Any]]) -> Function:
        function = Function.from_callable(
            f,
            name=name,
            description=description,
            strict=strict,
            show_result=show_result,
            stop_after_tool_call=stop_after_tool_call,
            max_calls=max_calls,
            pre_hook=pre_hook,
            post_hook=post_hook,
            requires_confirmation=bool(requires_confirmation),
            requires_user_input=requires_user_input,
            user_input_fields=user_input_fields,
            external_execution=bool(external_execution),
            external_execution_silent=external_execution_silent,
            title=title,
            annotations=annotations,
            instructions=instructions,
            add_instructions=add_instructions,
            cache_results=cache_results,
            cache_dir=cache_dir,
            cache_ttl=cache_ttl,
            tool_hooks=list(tool_hooks) if tool_hooks is not None else None,
        )
        return dataclasses.replace(function, _schema_kind="decorated", _wire_flags=wire_flags)

    return wrap(fn) if fn is not None else wrap
