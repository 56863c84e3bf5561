"""The team's own Agno methods besides running: preparing a run (``initialize_team``), the
roster text, the leader's tools, and printing an answer with the members' answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from agno_core._session_api import SessionApi
from agno_core.team._modes import resolve_mode
from agno_core.team._printing import print_team_response
from agno_core.team._roster import members_text

if TYPE_CHECKING:
    from agno_core.models.base import Model
    from agno_core.team._view import TeamView

    class _TeamParts(TeamView, Protocol):
        """What these methods use of the `Team` they are mixed into."""

        debug_mode: bool
        markdown: bool
        stream: bool | None
        tools: Any
        show_members_responses: bool

        def _resolved_model(self) -> Model: ...


__all__ = ["TeamMethods"]


class TeamMethods(SessionApi):
    """Mixed into `Team` (before `RunnerBase`), whose attributes its methods use (`_team`)."""

    __slots__ = ()

    def _team(self) -> _TeamParts:
        return cast("_TeamParts", self)

    def initialize_team(self, debug_mode: bool | None = None) -> None:
        """Prepare the team and its members for a run (every run does this itself).

        Resolves the leader's model and the team's id, settles ``respond_directly`` together
        with ``delegate_to_all_members`` (broadcast wins), gives member agents without a model
        the leader's, and initializes nested teams the same way (their members inherit from
        them). With ``debug_mode=True``, the members log at debug level too.
        """
        team = self._team()
        if team.respond_directly and team.delegate_to_all_members:
            team.mode, team.respond_directly, team.delegate_to_all_members = resolve_mode(
                None, True, True
            )
        model = team._resolved_model()
        _ = team.id
        if debug_mode or (debug_mode is None and team.debug_mode):
            from agno_core._logging import enable_debug

            enable_debug()
        for member in team.members:
            if debug_mode:
                member.debug_mode = True
            if isinstance(member, TeamMethods):
                member.initialize_team(debug_mode=debug_mode)
            elif member.model is None:
                member.model = model

    def get_members_system_message_content(self, indent: int = 0) -> str:
        """The roster the leader sees: one ``<member>`` element per member (ids, names, roles)."""
        return members_text(self._team(), indent)

    def get_member_information(self) -> str:
        """What the ``get_member_information`` tool returns: the members' ids, names, roles."""
        return members_text(self._team())

    def add_tool(self, tool: Any) -> None:
        """Give the leader one more tool (a function, `Function` or `Toolkit`)."""
        team = self._team()
        team.tools = [*(team.tools if isinstance(team.tools, list) else ()), tool]

    def set_tools(self, tools: Sequence[Any]) -> None:
        """Replace the leader's tools."""
        self._team().tools = list(tools) if tools else None

    async def aprint_response(
        self,
        input: Any,
        *,
        stream: bool | None = None,
        markdown: bool | None = None,
        show_message: bool = True,
        console: Any = None,
        show_member_responses: bool | None = None,
        **kwargs: Any,
    ) -> None:
        """Run and print the answer, as `Agent.aprint_response` does; with
        ``show_member_responses`` (default: the team's ``show_members_responses``) each
        member's answer is printed too, under its name (``markdown`` and ``console`` apply to
        every answer)."""
        team = self._team()
        show = (
            team.show_members_responses if show_member_responses is None else show_member_responses
        )
        if not show:
            await super().aprint_response(
                input,
                stream=stream,
                markdown=markdown,
                show_message=show_message,
                console=console,
                **kwargs,
            )
            return
        await print_team_response(
            team,
            input,
            stream=bool(team.stream) if stream is None else stream,
            show_message=show_message,
            markdown=bool(team.markdown if markdown is None else markdown),
            console=console,
            **kwargs,
        )
