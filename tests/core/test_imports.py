"""The public API contract (DESIGN 2): every documented import path; a drift guard on __all__."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import agno_core

PUBLIC_ALL: dict[str, list[str]] = {
    "agno_core": ["__version__"],
    "agno_core.agent": [
        "Agent",
        "FollowupConfig",
        "MemoryUpdateCompletedEvent",
        "MemoryUpdateStartedEvent",
        "Message",
        "RunCancelledEvent",
        "RunCompletedEvent",
        "RunContentEvent",
        "RunContinuedEvent",
        "RunErrorEvent",
        "RunEvent",
        "RunInput",
        "RunOutput",
        "RunOutputEvent",
        "RunPausedEvent",
        "RunRequirement",
        "RunStartedEvent",
        "RunStatus",
        "ToolCallArgsDeltaEvent",
        "ToolCallCompletedEvent",
        "ToolCallStartedEvent",
    ],
    "agno_core.agent.agent": ["Agent", "RunOutput"],
    "agno_core.db": ["AsyncBaseDb", "BaseDb", "SessionType", "SqlDb", "StorageError"],
    "agno_core.db.base": ["AsyncBaseDb", "BaseDb", "SessionType"],
    "agno_core.db.in_memory": ["InMemoryDb"],
    "agno_core.db.postgres": ["AsyncPostgresDb", "PostgresDb"],
    "agno_core.db.postgres.async_postgres": ["AsyncPostgresDb"],
    "agno_core.db.postgres.postgres": ["PostgresDb"],
    "agno_core.db.schemas": ["EvalFilterType", "EvalRunRecord", "EvalType", "UserMemory"],
    "agno_core.db.schemas.evals": ["EvalFilterType", "EvalRunRecord", "EvalType"],
    "agno_core.db.schemas.memory": ["UserMemory"],
    "agno_core.db.sqlite": ["AsyncSqliteDb", "SqliteDb"],
    "agno_core.db.sqlite.async_sqlite": ["AsyncSqliteDb"],
    "agno_core.db.sqlite.sqlite": ["SqliteDb"],
    "agno_core.eval": [
        "Comparison",
        "DEFAULT_METRICS",
        "EvalRunDb",
        "GrowthSite",
        "MetricComparison",
        "PerformanceEval",
        "PerformanceResult",
        "Verdict",
    ],
    "agno_core.eval.performance": [
        "Comparison",
        "DEFAULT_METRICS",
        "EvalRunDb",
        "GrowthSite",
        "MetricComparison",
        "PerformanceEval",
        "PerformanceResult",
        "Verdict",
    ],
    "agno_core.session": ["AgentSession", "TeamSession"],
    "agno_core.session.agent": ["AgentSession"],
    "agno_core.session.team": ["TeamSession"],
    "agno_core.exceptions": [
        "AgentRunException",
        "CheckTrigger",
        "InputCheckError",
        "ModelProviderError",
        "NotSupportedError",
        "OutputCheckError",
        "RetryAgentRun",
        "RunCancelledException",
        "RunNotContinuableError",
        "RunNotFoundError",
        "StopAgentRun",
    ],
    "agno_core.guardrails": [
        "BaseGuardrail",
        "OpenAIModerationGuardrail",
        "PIIDetectionGuardrail",
        "PromptInjectionGuardrail",
    ],
    "agno_core.guardrails.base": ["BaseGuardrail"],
    "agno_core.guardrails.openai": [
        "MODERATION_CATEGORIES",
        "ModerationCategory",
        "OpenAIModerationGuardrail",
    ],
    "agno_core.guardrails.pii": ["PIIDetectionGuardrail"],
    "agno_core.guardrails.prompt_injection": [
        "DEFAULT_INJECTION_PATTERNS",
        "PromptInjectionGuardrail",
    ],
    "agno_core.hooks": ["hook", "should_run_in_background"],
    "agno_core.hooks.decorator": ["hook", "should_run_in_background"],
    "agno_core.memory": ["MemoryManager", "UserMemory"],
    "agno_core.memory.manager": ["MemoryManager"],
    "agno_core.metrics": [
        "MessageMetrics",
        "ModelMetrics",
        "RunMetrics",
        "SessionMetrics",
        "TokenCounts",
        "ToolCallMetrics",
    ],
    "agno_core.models": [
        "ContentDelta",
        "Message",
        "Model",
        "ModelProviderError",
        "ModelRequest",
        "ModelResult",
        "ToolCall",
        "ToolCallArgsDelta",
    ],
    "agno_core.models.base": [
        "ContentDelta",
        "Model",
        "ModelProviderError",
        "ModelRequest",
        "ModelResult",
        "ModelStreamItem",
        "OutputSchema",
        "ToolCallArgsDelta",
        "strict_json_schema",
        "strict_schema",
    ],
    "agno_core.models.message": ["Message", "ToolCall"],
    "agno_core.models.finish_reason": [
        "FinishReason",
        "map_openai_finish_reason",
        "map_openai_responses_finish_reason",
    ],
    "agno_core.models.response": ["ToolExecution"],
    "agno_core.models.openai": ["OpenAIChat", "OpenAILike", "OpenAIResponses", "OpenResponses"],
    "agno_core.models.openai.like": ["OpenAILike"],
    "agno_core.models.openai.open_responses": ["OpenResponses"],
    "agno_core.models.openai.chat": ["OpenAIChat"],
    "agno_core.models.openai.responses": ["OpenAIResponses"],
    "agno_core.models.utils": ["get_model"],
    "agno_core.run": ["RunContext", "RunStatus"],
    "agno_core.run.agent": [
        "BaseAgentRunEvent",
        "BaseRunEvent",
        "BaseRunOutputEvent",
        "CompressionCompletedEvent",
        "CompressionStartedEvent",
        "CustomEvent",
        "FollowupsCompletedEvent",
        "FollowupsStartedEvent",
        "IntermediateRunContentEvent",
        "MemoryUpdateCompletedEvent",
        "MemoryUpdateStartedEvent",
        "ModelRequestCompletedEvent",
        "ModelRequestStartedEvent",
        "OutputModelResponseCompletedEvent",
        "OutputModelResponseStartedEvent",
        "ParserModelResponseCompletedEvent",
        "ParserModelResponseStartedEvent",
        "PostHookCompletedEvent",
        "PostHookStartedEvent",
        "PreHookCompletedEvent",
        "PreHookStartedEvent",
        "ReasoningCompletedEvent",
        "ReasoningContentDeltaEvent",
        "ReasoningStartedEvent",
        "ReasoningStepEvent",
        "RunCancelledEvent",
        "RunCompletedEvent",
        "RunContentCompletedEvent",
        "RunContentEvent",
        "RunContinuedEvent",
        "RunErrorEvent",
        "RunEvent",
        "RunInput",
        "RunOutput",
        "RunOutputEvent",
        "RunPausedEvent",
        "RunRequirement",
        "RunStartedEvent",
        "RunStatus",
        "SessionSummaryCompletedEvent",
        "SessionSummaryStartedEvent",
        "ToolCallArgsDeltaEvent",
        "ToolCallCompletedEvent",
        "ToolCallErrorEvent",
        "ToolCallStartedEvent",
        "ToolExecution",
    ],
    "agno_core.run.base": [
        "RunContext",
        "RunStatus",
        "TERMINAL_STATUSES",
    ],
    "agno_core.run.cancel": [
        "acancel_run",
        "acleanup_run",
        "aget_active_runs",
        "ais_cancelled",
        "araise_if_cancelled",
        "aregister_run",
        "cancel_run",
        "cleanup_run",
        "get_active_runs",
        "is_cancelled",
        "raise_if_cancelled",
        "register_run",
    ],
    "agno_core.run.concurrency": [
        "DEFAULT_BACKGROUND_MAX_CONCURRENCY",
        "get_background_max_concurrency",
        "set_background_max_concurrency",
    ],
    "agno_core.run.hooks": [
        "RunListener",
        "add_run_listener",
        "notify_run_end",
        "remove_run_listener",
    ],
    "agno_core.run.messages": ["RunMessages"],
    "agno_core.run.requirement": ["RunRequirement"],
    "agno_core.run.team": [
        "BaseRunOutputEvent",
        "BaseTeamRunEvent",
        "CompressionCompletedEvent",
        "CompressionStartedEvent",
        "CustomEvent",
        "FollowupsCompletedEvent",
        "FollowupsStartedEvent",
        "IntermediateRunContentEvent",
        "MemoryUpdateCompletedEvent",
        "MemoryUpdateStartedEvent",
        "ModelRequestCompletedEvent",
        "ModelRequestStartedEvent",
        "OutputModelResponseCompletedEvent",
        "OutputModelResponseStartedEvent",
        "ParserModelResponseCompletedEvent",
        "ParserModelResponseStartedEvent",
        "PostHookCompletedEvent",
        "PostHookStartedEvent",
        "PreHookCompletedEvent",
        "PreHookStartedEvent",
        "ReasoningCompletedEvent",
        "ReasoningContentDeltaEvent",
        "ReasoningStartedEvent",
        "ReasoningStepEvent",
        "RunCancelledEvent",
        "RunCompletedEvent",
        "RunContentCompletedEvent",
        "RunContentEvent",
        "RunContinuedEvent",
        "RunErrorEvent",
        "RunPausedEvent",
        "RunStartedEvent",
        "SessionSummaryCompletedEvent",
        "SessionSummaryStartedEvent",
        "TeamRunEvent",
        "TeamRunOutput",
        "TeamRunOutputEvent",
        "ToolCallCompletedEvent",
        "ToolCallErrorEvent",
        "ToolCallStartedEvent",
    ],
    "agno_core.session.summary": [
        "SessionSummary",
        "SessionSummaryManager",
        "SessionSummaryResponse",
    ],
    "agno_core.settings": [
        "CacheSettings",
        "CompressionSettings",
        "ContextSettings",
        "CultureSettings",
        "DebugSettings",
        "DelegationSettings",
        "EventSettings",
        "FollowupSettings",
        "HistorySettings",
        "KnowledgeSettings",
        "LearningSettings",
        "MemorySettings",
        "ModelSettings",
        "OutputSettings",
        "ReasoningSettings",
        "RetrySettings",
        "SessionSettings",
        "StorageSettings",
        "ToolSettings",
        "accepts_settings",
    ],
    "agno_core.team": [
        "FollowupsCompletedEvent",
        "FollowupsStartedEvent",
        "MemoryUpdateCompletedEvent",
        "MemoryUpdateStartedEvent",
        "RunCancelledEvent",
        "RunCompletedEvent",
        "RunContentEvent",
        "RunErrorEvent",
        "RunStartedEvent",
        "Team",
        "TeamMode",
        "TeamRunEvent",
        "TeamRunOutput",
        "TeamRunOutputEvent",
        "TeamSession",
        "ToolCallCompletedEvent",
        "ToolCallStartedEvent",
    ],
    "agno_core.team.mode": ["TeamMode"],
    "agno_core.team.team": ["Team", "TeamMode", "TeamRunOutput"],
    "agno_core.tools": ["Function", "FunctionCall", "ToolError", "ToolRegistry", "Toolkit", "tool"],
    "agno_core.tools.decorator": ["tool"],
    "agno_core.tools.function": [
        "Function",
        "FunctionCall",
        "ToolError",
        "ToolResult",
        "UserInputField",
    ],
    "agno_core.tools.toolkit": ["Toolkit"],
    "agno_core.tools.memory": ["MemoryTools"],
    "agno_core.tools.yfinance": ["YFinanceTools"],
    "agno_core.utils": [],
    "agno_core.utils.location": ["aget_location", "get_location"],
    "agno_core.utils.log": [
        "log_debug",
        "log_error",
        "log_exception",
        "log_info",
        "log_warning",
        "logger",
        "set_log_level_to_debug",
        "set_log_level_to_info",
    ],
    "agno_core.utils.pprint": ["apprint_run_response", "pprint_run_response"],
}


def _public_modules() -> list[str]:
    names = ["agno_core"]
    for info in pkgutil.walk_packages(agno_core.__path__, "agno_core."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def test_design_import_paths() -> None:
    from agno_core.agent import Agent
    from agno_core.db.postgres import PostgresDb
    from agno_core.db.sqlite import SqliteDb
    from agno_core.eval.performance import PerformanceEval, PerformanceResult
    from agno_core.metrics import ModelMetrics, RunMetrics, SessionMetrics, ToolCallMetrics
    from agno_core.models.openai import OpenAIChat, OpenAIResponses
    from agno_core.run import RunStatus as RunStatusAlias
    from agno_core.run.agent import RunEvent, RunOutput
    from agno_core.run.base import RunStatus
    from agno_core.run.cancel import acancel_run, cancel_run
    from agno_core.run.team import TeamRunOutput
    from agno_core.team import Team, TeamMode
    from agno_core.team.mode import TeamMode as TeamModeAlias
    from agno_core.tools import Toolkit, tool
    from agno_core.tools.yfinance import YFinanceTools

    assert RunStatusAlias is RunStatus
    assert TeamModeAlias is TeamMode
    assert issubclass(TeamRunOutput, RunOutput)
    assert issubclass(YFinanceTools, Toolkit)
    assert callable(tool) and callable(cancel_run) and callable(acancel_run)
    for cls in (
        Agent,
        Team,
        OpenAIChat,
        OpenAIResponses,
        SqliteDb,
        PostgresDb,
        PerformanceEval,
        PerformanceResult,
        ModelMetrics,
        RunMetrics,
        SessionMetrics,
        ToolCallMetrics,
    ):
        assert isinstance(cls, type), cls
    assert RunEvent.run_completed.value == "RunCompleted"


def test_run_status_values() -> None:
    from agno_core.run.base import RunStatus

    assert {s.name: s.value for s in RunStatus} == {
        "pending": "PENDING",
        "running": "RUNNING",
        "completed": "COMPLETED",
        "paused": "PAUSED",
        "cancelled": "CANCELLED",
        "error": "ERROR",
    }
    assert isinstance(RunStatus.completed, str)
    assert RunStatus("COMPLETED") is RunStatus.completed


def test_every_public_module_is_guarded() -> None:
    assert _public_modules() == sorted(PUBLIC_ALL)


@pytest.mark.parametrize("name", sorted(PUBLIC_ALL))
def test_public_all_does_not_drift(name: str) -> None:
    module = importlib.import_module(name)

    exported = getattr(module, "__all__", None)

    assert exported is not None, f"{name} has no __all__"
    assert sorted(exported) == sorted(PUBLIC_ALL[name])
    assert len(set(exported)) == len(exported), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ lists missing {attr!r}"
