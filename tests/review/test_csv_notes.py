"""A note of a dossier whose inventory is a CSV file verifies, like one of an inline inventory.

The note embeds the CSV's items inline (with ``inventory_source`` naming the file);
``verify`` assesses that embedded dossier again and writes the note's figures from
it, the digest of the machine-readable section among them: the dossier it embeds
must be the very one it read back, or the shown digest differs from the expected one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import base_dossier, payload_of, write_yaml

from ecodigital.cli import cli

CSV = (
    "id,kind,quantity,quantity_per_user,first_year,last_year,gb_per_year,"
    "hours_per_day_low,hours_per_day_high\n"
    "laptops,laptop,10,,,,,6,9\n"
    "phones,smartphone,,0.5,2,3,,,\n"
    "traffic,network,,,,,100,,\n"
)


@pytest.fixture
def csv_dossier(tmp_path: Path) -> Path:
    (tmp_path / "inventory.csv").write_text(CSV, encoding="utf-8")
    data = base_dossier()
    data["inventory"] = {"csv": "inventory.csv"}
    return write_yaml(tmp_path / "dossier.yaml", data)


def _note(dossier: Path, name: str) -> Path:
    out = dossier.parent / name
    result = CliRunner().invoke(cli, ["note", str(dossier), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_a_csv_inventory_note_verifies(csv_dossier: Path) -> None:
    note = _note(csv_dossier, "note.html")
    result = CliRunner().invoke(cli, ["verify", str(note)])
    assert result.exit_code == 0, result.output
    assert "la note tient." in result.output
    assert "Texte visible : les" in result.output  # its visible figures were checked


def test_the_embedded_csv_items_are_valid_items(csv_dossier: Path) -> None:
    # a per-user item keeps its quantity_per_user alone: the table's filler quantity
    # of 1 beside it would make the embedded dossier invalid
    dossier = payload_of(_note(csv_dossier, "note.md"))["dossier"]
    assert dossier["inventory_source"] == "inventory.csv"
    phones = next(item for item in dossier["inventory"] if item["id"] == "phones")
    assert phones["quantity_per_user"] == 0.5
    assert "quantity" not in phones
    assert (phones["first_year"], phones["last_year"]) == (2, 3)
    laptops = next(item for item in dossier["inventory"] if item["id"] == "laptops")
    assert laptops["hours_per_day"] == {"low": 6.0, "high": 9.0, "distribution": "lognormal"}


def test_an_earlier_note_with_the_filler_quantity_still_reads(csv_dossier: Path) -> None:
    # notes written before the fix carry quantity 1 beside quantity_per_user: the
    # embedded dossier is read as the CSV gave it, to the same results
    from ecodigital.assessment import Options, run
    from ecodigital.review.verify import loaded_from_payload

    dossier = payload_of(_note(csv_dossier, "note.md"))["dossier"]
    earlier = json.loads(json.dumps(dossier))
    for item in earlier["inventory"]:
        if "quantity_per_user" in item:
            item["quantity"] = 1.0
    options = Options(deterministic=True, scenarios=False, drivers=False)
    now = run(loaded_from_payload(dossier, Path("note.json#dossier")), options)
    then = run(loaded_from_payload(earlier, Path("note.json#dossier")), options)
    assert then.totals == now.totals
    assert then.items == now.items
