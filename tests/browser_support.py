"""Open a page in headless Chromium from the command line: DOM, console lines, requests.

Console messages come on stderr with ``--enable-logging=stderr`` (``CONSOLE``
lines), and every request the page makes is a ``URL_REQUEST_START_JOB`` of the
NetLog whose initiator is the page. Used by the note's and the comparison
report's browser tests; ``tests/report/test_browser.py`` checks on a control
page that both detectors do catch an error and a request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run"]  # fmt: skip


def open_in_chromium(page: Path, work: Path, *extra: str) -> tuple[str, list[str], list[str]]:
    """(DOM, console lines, URLs the page requested) of ``page`` in a fresh profile."""
    if CHROMIUM is None:
        require_missing_tool("chromium", "chromium")
    run = len(os.listdir(work))
    profile, netlog = work / f"profile-{run}", work / f"netlog-{run}.json"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         f"--log-net-log={netlog}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and event.get("params", {}).get("initiator") not in (None, "not an origin")
    ]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console, urls


def require_missing_tool(tool: str, package: str) -> None:
    """Skip a test whose tool is missing, except in CI, where it must be installed."""
    message = (
        f"{tool} is not installed (Debian: sh scripts/install-system-deps.sh --test; {package})"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
