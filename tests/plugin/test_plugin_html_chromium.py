"""The HTML report opened in headless Chromium (Debian's ``chromium``): it renders its plots.

Locally the test is skipped when Chromium is not installed; under ``CI=true`` it fails instead
(``scripts/test.sh`` installs Chromium when it runs as root).
"""

from __future__ import annotations

import os
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1200, 2000
# Without the networking switches Chromium tries to reach Google's hosts at every start.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)


@pytest.fixture
def chromium() -> Path:
    if CHROMIUM.is_file():
        return CHROMIUM
    message = f"headless Chromium is needed and {CHROMIUM} is missing: apt-get install chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (scripts/test.sh does it when it runs as root)", pytrace=False)
    pytest.skip(message)


class SvgCount(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.plots: list[str] = []
        self.shapes = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.plots.append(dict(attrs).get("class") or "")
        elif tag in ("circle", "rect", "polyline"):
            self.shapes += 1
        elif tag == "script":
            self.scripts += 1


def browse(chromium: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
        stdin=subprocess.DEVNULL,
    )


def test_html_report_renders_its_plots_in_chromium(
    agno_pytester: pytest.Pytester, chromium: Path, tmp_path: Path
) -> None:
    agno_pytester.makepyfile(
        """
        import pytest
        from pytest_agno import PerfGateError

        LEAK = []


        @pytest.mark.parametrize("case", ["<script>document.title='pwned'</script>"])
        def test_evals(perf_eval, case):
            perf_eval(lambda: sum(range(500)), name="sum", num_iterations=6, warmup_runs=0)
            with pytest.raises(PerfGateError):
                perf_eval(lambda: LEAK.append(bytearray(30_000)), name="leak",
                          num_iterations=5, warmup_runs=0, max_growth_kib=8)


        async def test_agent(agent):
            await agent.arun("hi")
        """
    )
    agno_pytester.runpytest("-p", "no:cacheprovider", "--agno-eval-html=report.html")
    page = (agno_pytester.path / "report.html").resolve()
    assert page.is_file()

    dom = browse(chromium, tmp_path, "--dump-dom", page.as_uri()).stdout
    parsed = SvgCount()
    parsed.feed(dom)
    assert parsed.plots == [
        "plot runtime",
        "plot memory",
        "plot runtime",
        "plot memory",
        "plot growth",
    ]
    # sum: 6 runtime dots, 5 memory bars (memory is sampled on 5 iterations when runtime is
    # measured too); leak: 5 runtime dots, 5 memory bars, 5 growth bars and 1 line
    assert parsed.shapes == 6 + 5 + 5 + 5 + 5 + 1
    assert parsed.scripts == 0  # the test id's <script> stayed text
    assert "<title>agno eval report</title>" in dom

    shot = tmp_path / "report.png"
    browse(
        chromium, tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri()
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (WIDTH, HEIGHT)
    assert len(data) > 30_000  # a blank page compresses to a few KiB; this one has plots


def test_trend_plots_render_in_chromium(
    agno_pytester: pytest.Pytester, chromium: Path, tmp_path: Path
) -> None:
    agno_pytester.makepyfile(
        """
        kept = []


        def test_leak(perf_eval):
            perf_eval(lambda: kept.append(bytearray(2048)), name="leak", num_iterations=4,
                      warmup_runs=0, memory_growth_tracking=True)
        """
    )
    for _ in range(3):
        agno_pytester.runpytest(
            "-p", "no:cacheprovider", "--agno-eval-history=hist", "--agno-eval-html=report.html"
        ).assert_outcomes(passed=1)
    page = (agno_pytester.path / "report.html").resolve()

    dom = browse(chromium, tmp_path, "--dump-dom", page.as_uri()).stdout
    parsed = SvgCount()
    parsed.feed(dom)
    assert parsed.plots[-2:] == ["plot trend-runtime", "plot trend-growth"]
    assert "last 3 runs, oldest left" in dom
