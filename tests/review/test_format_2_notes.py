"""Notes written before ``ecodigital-assessment/3`` still verify, item by item.

A note of format /2 carries its items one entry per item in every column, with
each item's share of the total; /3 writes the unknown counts and qualities as a
default and the items that differ, and no shares. The /2 notes here are today's
notes with their results put back in the /2 layout (from the typed results, by
``support.legacy_items``) and their digest computed again, as ``ecodigital note``
wrote them before /3.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import legacy_items

from ecodigital.assessment import Options, Results, run
from ecodigital.jsonio import canonical_json
from ecodigital.report.payload import compute_digest, html_payload_block
from ecodigital.review.compare import read_results
from ecodigital.review.verify import verify_note

EXAMPLE = Path(__file__).parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"
Payload = dict[str, Any]


@pytest.fixture(scope="module")
def results() -> Results:
    return run(EXAMPLE, Options())


@pytest.fixture(scope="module")
def notes(results: Results, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from ecodigital.report.build import prepare_note, render_note

    folder = tmp_path_factory.mktemp("notes")
    prepared = prepare_note(results, lang="fr")
    for fmt in ("html", "md"):
        for path, content in render_note(prepared, fmt, folder / f"note.{fmt}").items():
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
    return {"html": folder / "note.html", "md": folder / "note.md"}


def _as_format_2(results: Results) -> Callable[[Payload], None]:
    def bend(payload: Payload) -> None:
        payload["results"]["format"] = "ecodigital-assessment/2"
        payload["results"]["items"] = legacy_items(results)

    return bend


def _rewritten(source: Path, target: Path, *bends: Callable[[Payload], None]) -> Path:
    """A copy of a note whose payload is changed by ``bends``, its digest computed again."""
    from support import payload_of

    payload = payload_of(source)
    for bend in bends:
        bend(payload)
    payload["digest"]["value"] = compute_digest(payload)
    if source.suffix == ".md":
        target.with_suffix(".json").write_bytes(canonical_json(payload))
        target.write_bytes(source.read_bytes())
    else:
        html = source.read_text(encoding="utf-8")
        block = re.compile(r'<script type="application/json" id="ecodigital-payload">.*?</script>')
        assert len(block.findall(html)) == 1
        target.write_text(block.sub(lambda _: html_payload_block(payload), html), encoding="utf-8")
    return target


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_note_of_format_2_holds_with_every_item_share_checked(
    results: Results, notes: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    from support import payload_of

    old = _rewritten(notes[fmt], tmp_path / f"old.{fmt}", _as_format_2(results))
    payload = payload_of(old)
    assert payload["results"]["format"] == "ecodigital-assessment/2"
    assert "share" in payload["results"]["items"]["columns"]["gwp"]
    report = verify_note(old)
    assert report.digest_ok and report.holds, report.differences[:3]
    # the same figures as today's note, and each item's share on each criterion besides
    today = verify_note(notes[fmt])
    assert today.holds
    shares = len(results.items) * len(results.items.columns)
    assert report.figures_checked == today.figures_checked + shares
    assert report.visible_checked == today.visible_checked > 500


def test_a_share_bent_in_a_note_of_format_2_is_named_by_item(
    results: Results, notes: dict[str, Path], tmp_path: Path
) -> None:
    at = results.items.position("agents-laptops")

    def bend(payload: Payload) -> None:
        payload["results"]["items"]["columns"]["gwp"]["share"][at] *= 2

    report = verify_note(_rewritten(notes["md"], tmp_path / "old.md", _as_format_2(results), bend))
    assert report.digest_ok and not report.holds
    assert [d.figure for d in report.differences] == ["items[agents-laptops].gwp.share"]


def _move(criterion: str, name: str, item: int, value: object) -> Callable[[Payload], None]:
    """A bend of a /3 note: ``item`` given ``value`` in the sparse column ``name``."""

    def bend(payload: Payload) -> None:
        sparse = payload["results"]["items"]["columns"][criterion][name]
        for other in sparse["others"]:
            other["at"] = [i for i in other["at"] if i != item]
        sparse["others"].append({"value": value, "at": [item]})

    return bend


@pytest.mark.parametrize(
    ("criterion", "name", "value"),
    [("water", "unknown", 99), ("gwp", "quality", "declared"), ("pe", "quality", None)],
)
def test_a_sparse_entry_bent_in_a_note_of_format_3_is_named_by_item(
    results: Results,
    notes: dict[str, Path],
    tmp_path: Path,
    criterion: str,
    name: str,
    value: object,
) -> None:
    at = results.items.position("agents-laptops")
    bend = _move(criterion, name, at, value)
    report = verify_note(_rewritten(notes["md"], tmp_path / "note.md", bend))
    assert report.digest_ok and not report.holds
    assert [d.figure for d in report.differences] == [f"items[agents-laptops].{criterion}.{name}"]


def test_the_results_of_a_note_of_format_2_are_read_as_today_s(
    results: Results, notes: dict[str, Path], tmp_path: Path
) -> None:
    from support import payload_of

    old = _rewritten(notes["md"], tmp_path / "old.md", _as_format_2(results))
    then = read_results(payload_of(old), str(old))
    now = read_results(payload_of(notes["md"]), str(notes["md"]))
    assert then.items == now.items == results.items
    assert json.dumps(then.to_json()) == json.dumps(now.to_json())
