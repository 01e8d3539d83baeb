"""The report of mali-2025 rendered by headless Chromium: it draws, and every image decodes.

Skipped when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from simfuel.reporting import make_report
from tests.helpers import SCENARIOS
from tests.report.pages import Page, png_header_size

TIMEOUT_S = 60
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium not installed: apt-get install chromium")
    return found


@pytest.fixture(scope="module")
def mali_report(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mali-report")
    return make_report(
        SCENARIOS / "mali-2025.yaml", reps=10, seed=1, out=out, workers=1, progress=False
    )


def _chromium(binary: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    try:
        return subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {TIMEOUT_S} s")


def test_screenshot_of_the_report(chromium: str, mali_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _chromium(
        chromium,
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1280,4000",
        mali_report.resolve().as_uri(),
    )
    assert shot.is_file(), f"no screenshot; Chromium said:\n{done.stderr[-2000:]}"
    data = shot.read_bytes()
    assert png_header_size(data) == (1280, 4000)
    # a blank or error page compresses to a few kB; the report's figures do not
    assert len(data) > 50_000, len(data)


def test_every_image_loads_in_the_browser(chromium: str, mali_report: Path, tmp_path: Path) -> None:
    done = _chromium(
        chromium,
        tmp_path,
        "--dump-dom",
        "--virtual-time-budget=5000",
        mali_report.resolve().as_uri(),
    )
    body = re.search(r"<body[^>]*>", done.stdout)
    assert body is not None, f"no DOM dumped; Chromium said:\n{done.stderr[-2000:]}"
    attrs = Page(body.group(0) + "</body>").all("body")[0]
    total = int(attrs["data-images-total"] or 0)
    assert total == len(Page(mali_report.read_text(encoding="utf-8")).all("img")) > 0
    # set by the page's own script on window load: it ran (CSP allowed it) and counted
    assert attrs.get("data-images-loaded") == str(total), attrs
    assert attrs.get("data-images-seen") == str(total), attrs
    assert attrs.get("data-styles-applied") == "1", "the inline CSS was blocked or not applied"
