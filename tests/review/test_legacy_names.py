"""Notes that name a storage item's row as earlier versions did still hold.

Earlier versions wrote ``storage-<media>-tb-year`` (dataset 2026.1's rows) in the
items' factors even where dataset 2026.2 priced the item with its per-drive row
``storage-<media>``. ``verify`` recomputes the same figures and says the label is the
older one; any other name that differs stays a difference.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecodigital.jsonio import canonical_json
from ecodigital.report.payload import compute_digest
from ecodigital.review.verify import verify_lines, verify_note

EXAMPLE = Path(__file__).parents[2] / "examples" / "guichet-mutualise" / "dossier.yaml"


@pytest.fixture(scope="module")
def note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ecodigital.assessment import Options, run
    from ecodigital.dossier.load import load_dossier
    from ecodigital.report.build import prepare_note, render_note

    folder = tmp_path_factory.mktemp("legacy")
    results = run(load_dossier(EXAMPLE), Options(draws=200))
    for path, content in render_note(
        prepare_note(results, lang="fr"), "md", folder / "note.md"
    ).items():
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder / "note.md"


def _relabelled(note: Path, target: Path, rename: dict[str, str]) -> Path:
    """The note as a version that wrote other row names would have written it: the names
    changed in its data, its digest recomputed, in the data and in the text."""
    payload = json.loads(note.with_suffix(".json").read_text(encoding="utf-8"))
    before = payload["digest"]["value"]
    factors = payload["results"]["items"]["factors"]
    payload["results"]["items"]["factors"] = [rename.get(f, f) for f in factors]
    payload["digest"]["value"] = compute_digest(payload)
    target.with_suffix(".json").write_bytes(canonical_json(payload))
    text = note.read_text(encoding="utf-8")
    assert before in text
    target.write_text(text.replace(before, payload["digest"]["value"]), encoding="utf-8")
    return target


def test_the_note_names_the_rows_the_dataset_priced_with(note: Path) -> None:
    payload = json.loads(note.with_suffix(".json").read_text(encoding="utf-8"))
    items = payload["results"]["items"]
    storage = [
        f for f, kind in zip(items["factors"], items["kinds"], strict=True) if kind == "storage"
    ]
    assert storage == ["storage-ssd", "storage-hdd"]  # dataset 2026.2's per-drive rows


def test_earlier_storage_names_hold_and_are_said(note: Path, tmp_path: Path) -> None:
    old = _relabelled(
        note,
        tmp_path / "note.md",
        {"storage-ssd": "storage-ssd-tb-year", "storage-hdd": "storage-hdd-tb-year"},
    )
    report = verify_note(old)
    assert report.holds, (report.differences[:3], report.visible[:3])
    assert sorted(report.legacy_names) == ["storage-hdd-tb-year", "storage-ssd-tb-year"]
    lines = verify_lines(report, "fr")
    assert any(
        "2 éléments nomment leur ligne de stockage comme les versions antérieures" in line
        for line in lines
    ), lines


def test_another_name_is_a_difference(note: Path, tmp_path: Path) -> None:
    bent = _relabelled(note, tmp_path / "note.md", {"storage-hdd": "storage-ssd"})
    report = verify_note(bent)
    assert not report.holds
    assert [d.figure for d in report.differences] == ["items.factors[6]"]
    assert report.legacy_names == []
