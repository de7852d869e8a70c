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
from pathlib import Path

import pytest
from browser_support import open_in_chromium
from support import payload_of

from ecodigital.jsonio import canonical_json
from ecodigital.report.build import render_note
from ecodigital.report.payload import verify_digest

pytestmark = pytest.mark.slow


def test_detectors_catch_console_errors_and_requests(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("control-error")</script>',
        encoding="utf-8",
    )
    _, console, urls = open_in_chromium(page, tmp_path, "--dump-dom")
    assert any("control-error" in line for line in console)
    assert "http://127.0.0.1:9/x.png" in urls


def test_html_note_in_chromium(prepared, tmp_path):
    page = tmp_path / "note.html"
    page.write_text(str(render_note(prepared, "html", page)[page]), encoding="utf-8")
    dom, console, urls = open_in_chromium(page, tmp_path, "--dump-dom")
    assert console == []
    assert urls == []
    assert "Note numérique responsable" in dom
    rendered = tmp_path / "rendered.html"
    rendered.write_text(dom, encoding="utf-8")
    payload = payload_of(rendered)
    assert verify_digest(payload)
    assert payload == json.loads(canonical_json(prepared.payload))

    shot = Path(os.environ.get("ECODIGITAL_SCREENSHOT_DIR", tmp_path)) / "note-html.png"
    open_in_chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600",
              "--hide-scrollbars")  # fmt: skip
    assert shot.read_bytes().startswith(b"\x89PNG")
