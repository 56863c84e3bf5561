"""The plugin's marker keywords and help lines: plain names, cheap to import.

The plugin registers its markers on every pytest start, so their help lines live here, apart from
the parsers (``_markers``) and the gates (``_gates``) that build dataclasses and load the report
records: a suite that uses no marker never imports those.
"""

from __future__ import annotations

__all__ = [
    "BOOL_EVAL_ARGS",
    "CANCEL_MOMENTS",
    "GATE_KEYWORDS",
    "INT_EVAL_ARGS",
    "MARKER_HELP",
    "PERF_KEYWORDS",
]

CANCEL_MOMENTS = ("before_start", "during", "after_completion")
# The absolute gates, in the order of `pytest_agno.perf._gates.GATES` (a test keeps them equal).
GATE_KEYWORDS = ("max_runtime_ms", "max_p95_ms", "max_peak_mib", "max_growth_kib")
BOOL_EVAL_ARGS = (
    "memory_growth_tracking",
    "measure_runtime",
    "measure_memory",
    "debug_mode",
    "print_summary",
    "print_results",
)
# `PerformanceEval` integer settings and their least value.
INT_EVAL_ARGS = {"num_iterations": 1, "warmup_runs": 0, "top_n_memory_allocations": 0}
PERF_KEYWORDS = (*GATE_KEYWORDS, "max_regression", *INT_EVAL_ARGS, *BOOL_EVAL_ARGS)

MARKER_HELP = (
    "agno_background(poll_interval=0.01, timeout=30.0): the agent/team fixtures (and their "
    "factories) run `await x.arun(...)` as a background run and poll aget_run_output() every "
    "poll_interval seconds until it ends (at most timeout seconds), returning the polled output.",
    "agno_cancel(when, timeout=10.0): the first run of the agent/team fixtures is cancelled at "
    "that moment: when='before_start', 'during' (once its first model request arrives) or "
    "'after_completion'; timeout: seconds to wait for that moment. See the cancel_scenario "
    "fixture.",
    "agno_perf("
    + ", ".join(f"{name}=" for name in PERF_KEYWORDS)
    + "): defaults for every perf_eval call of the test (a call's own keywords win). Gates: "
    "max_runtime_ms (median), max_p95_ms, max_peak_mib, max_growth_kib (per iteration), "
    "max_regression (vs the --agno-eval-compare baseline, 0.2 = 20%); the rest are "
    "PerformanceEval settings. A crossed gate fails the test.",
    "agno_cassette(path=None, record=None, match_on=None, ignore=None, redact=(), latency=False): "
    "mock_model replays (and per --agno-record records) this test's model calls from a cassette "
    "file; record is one of none|once|new_episodes|all.",
)
