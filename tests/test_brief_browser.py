"""The HTML brief of the example corpus, opened in a real headless Chromium: it renders, offline."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from newstrace.cli import app

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if not path:
        if os.environ.get("NEWSTRACE_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium required (NEWSTRACE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("no chromium on this machine; run scripts/ensure-chromium.sh")
    return path


def test_html_brief_renders_in_a_browser_with_its_map(chromium, tmp_path):
    db, html = str(tmp_path / "demo.db"), tmp_path / "brief.html"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "ingest", str(EXAMPLES)]).exit_code == 0
    assert runner.invoke(app, ["--db", db, "brief", "--format", "html", "--output", str(html)]).exit_code == 0
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "What we know" in dom
    assert dom.count('class="place"') >= 4  # the supply route's places are drawn on the map
    assert "Makhachkala" in dom and "Turkmenbashi" in dom
    shot = tmp_path / "brief.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1200,1600",
                    f"--screenshot={shot}", html.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000  # a real page was painted, not a blank one
