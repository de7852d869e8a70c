"""HAR files: a page recorded by headless Chromium from a local site becomes a network item."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from browser_support import CHROMIUM, FLAGS, require_missing_tool
from click.testing import CliRunner
from connectors_support import ROOT

from ecodigital.cli import cli

NODE_MODULES = ROOT / "tools" / "npm" / "node_modules"
RECORDER = Path(__file__).with_name("record_har.js")
#: The local site: a portal page with its style sheet, script and image.
SITE = {
    "index.html": (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Portail</title>"
        "<link rel='stylesheet' href='style.css'><script src='app.js' defer></script></head>"
        "<body><h1>Démarches en ligne</h1><img src='logo.svg' alt='logo'></body></html>"
    ).encode(),
    "style.css": b"body { font-family: sans-serif; }\n" * 300,
    "app.js": b"document.body.dataset.ready = 'yes';\n" + b"// " + b"x" * 20_000 + b"\n",
    # a valid image (one that fails to decode may be cancelled half-way, a size by chance)
    "logo.svg": (
        b"<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'>"
        b"<rect width='40' height='40' fill='#2a6'/><!-- " + b"x" * 40_000 + b" --></svg>"
    ),
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "site"
    root.mkdir()
    for name, content in SITE.items():
        (root / name).write_bytes(content)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def record(url: str, har: Path, views: int) -> dict:  # type: ignore[type-arg]
    if CHROMIUM is None:
        require_missing_tool("chromium", "chromium")
    if not (NODE_MODULES / "playwright-core").is_dir():
        message = "playwright-core is not installed (sh scripts/install-system-deps.sh --test)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    flags = [flag for flag in FLAGS if flag != "--headless"]  # playwright adds its own
    run = subprocess.run(
        ["node", str(RECORDER), CHROMIUM, str(har), *[url] * views, "--", *flags],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(har.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.slow
def test_a_har_recorded_by_chromium_becomes_a_measured_network_item(
    site: str, tmp_path: Path
) -> None:
    har_path = tmp_path / "portail.har"
    har = record(site, har_path, views=2)
    entries = har["log"]["entries"]
    pages = [page["id"] for page in har["log"]["pages"]]
    assert len(pages) == 2
    # By hand, from the HAR file: what each request moved is its request's headers and
    # body plus what Chromium received (_transferSize); the mean over the two views.
    per_page = {page: 0 for page in pages}
    for entry in entries:
        request = entry["request"]
        moved = max(request["headersSize"], 0) + max(request["bodySize"], 0)
        per_page[entry["pageref"]] += moved + entry["response"]["_transferSize"]
    bytes_per_view = sum(per_page.values()) / 2
    views_per_year = 120_000
    expected_gb = bytes_per_view * views_per_year / 1e9
    # the first view fetched the four files whole: at least their bytes crossed the network
    first = [e for e in entries if e["pageref"] == pages[0]]
    assert sorted(e["request"]["url"].rsplit("/", 1)[1] for e in first) == sorted(SITE)
    assert per_page[pages[0]] > sum(len(content) for content in SITE.values())
    assert all(e["response"]["content"]["size"] == len(SITE[e["request"]["url"].rsplit("/", 1)[1]])
               for e in first if e["response"]["status"] == 200)  # fmt: skip

    dossier = tmp_path / "dossier.yaml"
    assert CliRunner().invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    table = tmp_path / "poids-des-pages.csv"
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(har_path),
            "--from",
            "har",
            "--views-per-year",
            str(views_per_year),
            "--into",
            str(dossier),
            "--page-weight",
            str(table),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Poids des pages (2 pages vues, fichier HAR)" in result.output
    item = next(i for i in yaml.safe_load(dossier.read_text("utf-8"))["inventory"]
                if i["id"] == "trafic-portail")  # fmt: skip
    assert item["kind"] == "network" and item["quality"] == "measured"
    assert item["gb_per_year"] == pytest.approx(expected_gb, rel=1e-12)
    # the second view found the files in the browser's cache (revalidated: no body bytes)
    from ecodigital.connectors.har import read_har

    weights = read_har(har_path, None).page_weight
    assert weights[0].cached_requests == 0 and weights[1].cached_requests >= 1
    assert weights[1].transferred_bytes < weights[0].transferred_bytes
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("page,title,requests,transferred_bytes")
    assert len(rows) == 3
    # the assessment shows the traffic's use phase as measured
    out = CliRunner().invoke(
        cli, ["assess", str(dossier), "--format", "json", "--deterministic", "--rows"]
    )
    data = json.loads(out.output)
    qualities = {
        r["quality"] for r in data["rows"] if r["item"] == "trafic-portail" and r["phase"] == "use"
    }
    assert qualities == {"measured"}


def test_a_har_file_without_sizes_is_a_lower_bound_and_says_so(tmp_path: Path) -> None:
    har = tmp_path / "sans-taille.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "pages": [{"id": "p1", "title": "Accueil"}],
        "entries": [
            {"pageref": "p1", "request": {"url": "https://portail.example/", "headersSize": 400, "bodySize": 0},
             "response": {"status": 200, "headersSize": 300, "bodySize": 10_000, "content": {"size": 30_000}}},
            {"pageref": "p1", "request": {"url": "https://cdn.example/a.js", "headersSize": -1, "bodySize": -1},
             "response": {"status": 200, "headersSize": -1, "bodySize": -1, "content": {"size": 5_000}}},
            {"pageref": "p1", "request": {"url": "https://portail.example/b.css", "headersSize": 350, "bodySize": 0},
             "response": {"status": 304, "headersSize": 200, "bodySize": 0, "content": {"size": 2_000}}},
        ]}}), encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(
        cli, ["import", str(har), "--from", "har", "--views-per-year", "1000000"]
    )
    assert result.exit_code == 0, result.output
    # (400 + 300 + 10,000) + 0 (unknown) + (350 + 200) = 11,250 bytes a view; x 10^6 / 10^9
    assert "trafic-sans-taille: network x1" in result.output
    assert "[HAR_SIZE_UNKNOWN] sans-taille.har : 1 requête sans taille connue" in result.output
    from ecodigital.connectors.har import read_har

    imported = read_har(har, 1_000_000)
    assert imported.items[0].fields["gb_per_year"] == pytest.approx(11.25)
    page = imported.page_weight[0]
    assert (page.requests, page.cached_requests, page.third_party_requests) == (3, 1, 1)
    assert page.content_bytes == 37_000
    needs = CliRunner().invoke(
        cli, ["import", str(har), "--from", "har", "-o", str(tmp_path / "d.yaml")]
    )
    assert needs.exit_code == 2
    assert "--views-per-year" in needs.output
