"""The HTML note in headless Chromium: no console message, no network request.

Chromium is driven from the command line only:
- console messages (errors, CSP violations) are logged to stderr by
  ``--enable-logging=stderr`` as ``CONSOLE`` lines;
- every request the page makes is in the NetLog (``--log-net-log``): a
  ``URL_REQUEST_START_JOB`` whose initiator is the page (browser housekeeping
  requests have the initiator "not an origin");
- ``--dump-dom`` gives the rendered DOM, from which the payload is read;
- ``--screenshot`` saves what a reader sees.
A control page with an outside image and a console error checks the detectors.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ecodigital.report.build import render_note
from ecodigital.report.payload import canonical_json, extract_payload, verify_digest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run"]  # fmt: skip


def _chromium(page: Path, work: Path, *extra: str) -> tuple[str, str, list[str]]:
    """(DOM, stderr, URLs the page requested) of ``page`` in a fresh profile."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    profile = work / f"profile-{len(os.listdir(work))}"
    netlog = work / f"netlog-{len(os.listdir(work))}.json"
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
    return result.stdout, result.stderr, urls


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_detectors_catch_console_errors_and_requests(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("control-error")</script>',
        encoding="utf-8",
    )
    _, stderr, urls = _chromium(page, tmp_path, "--dump-dom")
    assert any("control-error" in line for line in _console(stderr))
    assert "http://127.0.0.1:9/x.png" in urls


def test_html_note_in_chromium(prepared, tmp_path):
    page = tmp_path / "note.html"
    page.write_text(str(render_note(prepared, "html", page)[page]), encoding="utf-8")
    dom, stderr, urls = _chromium(page, tmp_path, "--dump-dom")
    assert _console(stderr) == []
    assert urls == []
    assert "Note numérique responsable" in dom
    rendered = tmp_path / "rendered.html"
    rendered.write_text(dom, encoding="utf-8")
    payload = extract_payload(rendered)
    assert verify_digest(payload)
    assert payload == json.loads(canonical_json(prepared.payload))

    shot = Path(os.environ.get("ECODIGITAL_SCREENSHOT_DIR", tmp_path)) / "note-html.png"
    _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600",
              "--hide-scrollbars")  # fmt: skip
    assert shot.read_bytes().startswith(b"\x89PNG")
