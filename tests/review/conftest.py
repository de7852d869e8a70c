"""Notes written by ``ecodigital note`` from varied dossiers, shared by the review tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import payload_of

from ecodigital.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_USERS = "users_per_year: [500, 4000, 9000, 12000, 12000]"
NETWORK_ITEMS = EXAMPLE_TEXT[
    EXAMPLE_TEXT.index("  - id: citizen-traffic-fixed") : EXAMPLE_TEXT.index(
        "  # --- Terminaux des usagers"
    )
]
OTHER_USERS = "[800, 5000, 10000, 14000, 14000]"
MEASUREMENTS = EXAMPLE_TEXT[
    EXAMPLE_TEXT.index("measurements:\n") : EXAMPLE_TEXT.index("\n\n# --- Plan de financement") + 1
]
#: A user factor file that bends the laptop's manufacturing gwp (reference 170 -> 85, -50 %).
LAPTOP_FACTORS = "id,gwp_manufacturing_kgco2e\nlaptop,85\n"


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def write_dossier(folder: Path, name: str, *, users: str | None = None, network: bool = True,
                  project: str | None = None, measured: bool = True) -> Path:  # fmt: skip
    text = EXAMPLE_TEXT
    if not measured:
        text = text.replace(MEASUREMENTS, "")
    if users is not None:
        text = text.replace(EXAMPLE_USERS, f"users_per_year: {users}")
    if not network:
        text = text.replace(NETWORK_ITEMS, "")
    if project is not None:
        quoted = project.replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace(
            'name: "Guichet numérique mutualisé du Haut-Doubs"', f'name: "{quoted}"', 1
        )
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def notes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Notes in HTML, Markdown (+ .json), ODT: plain, other users, no network, bent factor, edited.

    ``edited`` is the plain HTML note with its total gwp changed by hand.
    """
    work = tmp_path_factory.mktemp("dossiers")
    shutil.copytree(EXAMPLE.parent / "measures", work / "measures")
    out = tmp_path_factory.mktemp("notes")
    factors = work / "facteurs.csv"
    factors.write_text(LAPTOP_FACTORS, encoding="utf-8")
    made = {
        "plain": (write_dossier(work, "plain"), "plain.html", ()),
        "users": (write_dossier(work, "users", users=OTHER_USERS), "users.md", ()),
        "nonetwork": (write_dossier(work, "nonetwork", network=False), "nonetwork.html", ()),
        "bent": (write_dossier(work, "bent"), "bent.odt", ("--factors", str(factors))),
        "unmeasured": (write_dossier(work, "unmeasured", measured=False), "unmeasured.html", ()),
    }  # fmt: skip
    paths: dict[str, Path] = {}
    for key, (dossier, name, extra) in made.items():
        run_cli("note", str(dossier), "-o", str(out / name), *extra)
        paths[key] = out / name
    edited = out / "edited.html"
    text = paths["plain"].read_text(encoding="utf-8")
    # the total gwp as the canonical JSON writes it, lowered by one tonne by hand
    total = payload_of(paths["plain"])["results"]["totals"]["gwp"]["value"]
    original, changed = f'"value":{json.dumps(total)}', f'"value":{json.dumps(total - 1000)}'
    # results.totals (sorted keys: after "scenarios", before "uncertainty", whose totals
    # have no "value"); a scenario's baseline may carry the same figure
    start = text.index('"totals":{"adpe"')
    assert text.index(original, start) < text.index('"uncertainty"', start)
    head, tail = text[:start], text[start:]
    edited.write_text(head + tail.replace(original, changed, 1), encoding="utf-8")
    paths["edited"] = edited
    return paths


@pytest.fixture(scope="session")
def pdf_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PDF note of the example with other users (WeasyPrint: slow)."""
    work = tmp_path_factory.mktemp("pdf")
    shutil.copytree(EXAMPLE.parent / "measures", work / "measures")
    dossier = write_dossier(work, "pdf", users="[300, 600, 900, 900, 900]")
    path = work / "note.pdf"
    run_cli("note", str(dossier), "-o", str(path))
    return path


@pytest.fixture(scope="session")
def own_factors_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An English PDF note of the example made with a declared override: the laptop's
    manufacturing footprint from a supplier's declaration (250 kgCO2e; the reference says
    170), written by ``ecodigital note`` (WeasyPrint: slow)."""
    work = tmp_path_factory.mktemp("own-pdf")
    shutil.copytree(EXAMPLE.parent / "measures", work / "measures")
    dossier = write_dossier(work, "own")
    factors = work / "mine.csv"
    factors.write_text(
        "id,gwp_manufacturing_kgco2e,source\nlaptop,250,Supplier EPD 2025\n", encoding="utf-8"
    )
    path = work / "note.pdf"
    run_cli("note", str(dossier), "-o", str(path), "--lang", "en", "--factors", str(factors))
    return path


def copy_into(folder: Path, *paths: Path) -> list[Path]:
    """Copies of notes (with a Markdown note's sidecar) in ``folder``."""
    copies = []
    for path in paths:
        shutil.copy(path, folder / path.name)
        if path.suffix == ".md":
            shutil.copy(path.with_suffix(".json"), folder / path.with_suffix(".json").name)
        copies.append(folder / path.name)
    return copies
