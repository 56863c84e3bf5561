"""Where a report was made: machine, CI job and commit, so merged results keep their origin.

``job`` is ``AGNO_EVAL_JOB`` when set, else what the CI service names the job (GitHub Actions,
GitLab CI, Buildkite, CircleCI, Jenkins), else None. ``commit`` is ``AGNO_EVAL_COMMIT``, the CI
service's commit variable, or ``git rev-parse HEAD`` in the rootdir (None outside a repository).
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["provenance"]

_JOB_VARIABLES = (
    "AGNO_EVAL_JOB",
    "GITHUB_JOB",
    "CI_JOB_NAME",
    "BUILDKITE_LABEL",
    "CIRCLE_JOB",
    "JOB_NAME",
)
_COMMIT_VARIABLES = (
    "AGNO_EVAL_COMMIT",
    "GITHUB_SHA",
    "CI_COMMIT_SHA",
    "BUILDKITE_COMMIT",
    "CIRCLE_SHA1",
    "GIT_COMMIT",
)


def _first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit(root: Path) -> str | None:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = completed.stdout.strip()
    return commit if completed.returncode == 0 and commit else None


def provenance(root: Path) -> dict[str, Any]:
    """``machine`` (host name), ``cpu``, ``cores``, ``job`` and ``commit`` of this run."""
    return {
        "machine": platform.node() or "unknown",
        "cpu": _cpu(),
        "cores": os.cpu_count() or 0,
        "job": _first_env(_JOB_VARIABLES),
        "commit": _first_env(_COMMIT_VARIABLES) or _git_commit(root),
    }
