"""The HTML comparison report in headless Chromium: no console message, no request."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_support import open_in_chromium

from ecodigital.review.compare import compare_files
from ecodigital.review.report import render_html

pytestmark = pytest.mark.slow


def _batch(notes: dict[str, Path], folder: Path) -> list[Path]:
    """The notes, plus variants of the plain one (other figures, an injected name)."""
    from ecodigital.report.payload import compute_digest, html_payload_block
    from ecodigital.review.readers import read_note_payload

    payload = read_note_payload(notes["plain"])[1]
    variants = [
        ("Portail des démarches de la métropole", "Métropole du Val", "epci", 4.0, 6.5),
        ("Téléservices scolaires", "Commune de Saint-Aubin", "commune", 0.35, 0.4),
        ("<script>alert(1)</script> Espace famille", "=HYPERLINK(\"http://x\")", "commune", 1.2,
         1.1),
    ]  # fmt: skip
    paths = list(notes.values())
    for index, (project, applicant, kind, scale, users) in enumerate(variants):
        copy = json.loads(json.dumps(payload))
        for project_of in (copy["dossier"]["project"], copy["results"]["project"]):
            project_of.update(name=project)
            project_of["beneficiary"].update(name=applicant, type=kind)
            project_of["users_per_year"] = [u * users for u in project_of["users_per_year"]]
        results = copy["results"]
        results["user_years"] *= users
        gwp = results["totals"]["gwp"]
        gwp["value"] *= scale
        # the range moves with the total, so the report stays consistent
        for key in ("mean", "p5", "p50", "p95"):
            gwp["range"][key] *= scale
        results["by_tier"]["network"]["gwp"]["value"] *= 3 * scale
        results["per_user_year"]["gwp"]["value"] *= scale / users
        # fewer validated criteria from one variant to the next: a lower RGESN score
        rgesn = results["rgesn"]
        rgesn["score"] = max(rgesn["score"] - 8 * index, 0)
        copy["digest"]["value"] = compute_digest(copy)
        page = folder / f"variant-{index}.html"
        page.write_text(f"<!DOCTYPE html><title>n</title>{html_payload_block(copy)}", "utf-8")
        paths.append(page)
    return paths


def test_comparison_report_in_chromium(notes, tmp_path):
    rows = compare_files(_batch(notes, tmp_path))
    page = tmp_path / "comparaison.html"
    page.write_text(render_html(rows, "fr"), encoding="utf-8")
    dom, console, urls = open_in_chromium(page, tmp_path, "--dump-dom")
    assert console == []
    assert urls == []
    assert "Comparaison des demandes" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Espace famille" in dom
    assert dom.count("<svg") == 3
    assert "DIGEST_MISMATCH" in dom and "FACTOR_OVERRIDDEN" in dom

    shot = Path(os.environ.get("ECODIGITAL_SCREENSHOT_DIR", tmp_path)) / "compare-html.png"
    open_in_chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1600,1760",
                     "--hide-scrollbars")  # fmt: skip
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_comparison_report_fits_1280_pixels_without_horizontal_scroll(notes, tmp_path):
    """At 1280 px wide, the page is no wider than the window. The measure is the browser's own:
    a copy of the page, its Content-Security-Policy dropped so that one script may run, writes
    ``scrollWidth`` into the DOM that Chromium dumps."""
    import re

    rows = compare_files(_batch(notes, tmp_path))
    html = render_html(rows, "fr")
    html, dropped = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert dropped == 1
    probe = (
        "<script>addEventListener('load', () => document.body.setAttribute('data-scroll-width',"
        " document.documentElement.scrollWidth))</script>"
    )
    page = tmp_path / "largeur.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom, _, _ = open_in_chromium(page, tmp_path, "--dump-dom", "--window-size=1280,900")
    width = int(re.search(r'data-scroll-width="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    assert 1000 < width <= 1280
