"""The bundled factor dataset: integrity, sources, and user layers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.errors import InputError
from ecodigital.factors.database import (
    FACTOR_COLUMNS,
    OPTIONAL_REFERENCE_COLUMNS,
    impact_column,
    load_factors,
    load_reference_factors,
    reference_data_dir,
    reference_versions,
)
from ecodigital.factors.grid import known_countries
from ecodigital.vocabulary import ITEM_KINDS, PHASES, TERMINAL_KINDS


@pytest.mark.parametrize("version", reference_versions())
def test_every_row_is_sourced_and_has_gwp(version: str) -> None:
    frame = load_reference_factors(version).frame
    for factor_id, row in frame.iterrows():
        for column in ("source", "source_title", "source_year", "licence"):
            assert isinstance(row[column], str) and row[column].strip(), (factor_id, column)
        assert str(row["source_url"]).startswith("https://"), factor_id
        assert 0 < row["uncertainty_low"] < 1 < row["uncertainty_high"], factor_id
        if row["basis"] != "pue":
            assert any(row[impact_column("gwp", p)] > 0 for p in PHASES), factor_id


@pytest.mark.parametrize("version", reference_versions())
def test_every_csv_has_the_reference_header_and_units(version: str) -> None:
    for path in sorted(reference_data_dir(version).glob("*.csv")):
        if path.name == "grid.csv":
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        # the columns in the reference order; only columns a later version added may be left out
        assert header == [c for c in FACTOR_COLUMNS if c in header], path.name
        assert OPTIONAL_REFERENCE_COLUMNS.issuperset(set(FACTOR_COLUMNS) - set(header)), path.name
    # units in the impact column names
    assert impact_column("gwp", "use") == "gwp_use_kgco2e"
    assert impact_column("adpe", "manufacturing") == "adpe_manufacturing_kgsbeq"


@pytest.mark.parametrize("version", reference_versions())
def test_coverage_of_every_kind(version: str) -> None:
    frame = load_reference_factors(version).frame
    ids = set(frame.index)
    for kind in TERMINAL_KINDS:
        assert kind in ids
    assert {"server-small", "server-medium", "server-large"} <= ids
    assert {"cloud-vcpu-hour", "cloud-memory-gb-hour"} <= ids
    assert {"storage-ssd-tb-year", "storage-hdd-tb-year"} <= ids or {
        "storage-ssd",
        "storage-hdd",
    } <= ids
    assert {
        "network-fixed-fra-gb", "network-mobile-fra-gb", "network-fixed-eu-gb", "network-mobile-eu-gb",
    } <= ids  # fmt: skip
    assert "datacenter-pue-fra" in ids
    assert set(frame["kind"]) <= {*ITEM_KINDS, "electricity", "datacenter"}


def test_french_electricity_is_ademe_base_empreinte() -> None:
    row = load_reference_factors().frame.loc["electricity-fra"]
    assert row["gwp_use_kgco2e"] == pytest.approx(0.0519)
    assert "Base Empreinte" in row["source"] + row["source_title"]


def test_known_countries_are_the_grid_snapshot_ones() -> None:
    assert len(known_countries()) > 200
    assert {"FRA", "DEU", "BEL", "POL"} <= known_countries()
    assert "fra" not in known_countries()


def test_user_file_overrides_cells_and_records_them(tmp_path: Path) -> None:
    user = tmp_path / "mine.csv"
    user.write_text(
        "id,gwp_manufacturing_kgco2e,source\n"
        "laptop,250,Constructor LCA 2025\n"
        "my-kiosk,40,Supplier declaration\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="basis"):
        load_factors(user)
    user.write_text(
        "id,kind,basis,gwp_manufacturing_kgco2e,source\n"
        "laptop,,,250,Constructor LCA 2025\n"
        "my-kiosk,custom,year,40,Supplier declaration\n",
        encoding="utf-8",
    )
    table = load_factors(user)
    assert table.frame.at["laptop", "gwp_manufacturing_kgco2e"] == 250
    assert table.frame.at["laptop", "origin"] == "user"
    assert table.frame.at["my-kiosk", "basis"] == "year"
    changed = {(o.factor_id, o.column): (o.reference, o.value) for o in table.overrides}
    assert changed[("laptop", "gwp_manufacturing_kgco2e")] == (170.0, 250.0)
    assert changed[("laptop", "source")][1] == "Constructor LCA 2025"
    # the reference dataset itself is untouched for the next caller
    assert load_reference_factors().frame.at["laptop", "gwp_manufacturing_kgco2e"] == 170


def test_user_factor_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,gwp_manufactoring_kgco2e\nlaptop,1\n", encoding="utf-8")
    with pytest.raises(InputError, match='did you mean "gwp_manufacturing_kgco2e"'):
        load_factors(bad)
    bad.write_text("id,gwp_manufacturing_kgco2e\nlaptop,abc\n", encoding="utf-8")
    with pytest.raises(
        InputError, match='row 2, column "gwp_manufacturing_kgco2e": "abc" is not a number'
    ):
        load_factors(bad)
    bad.write_text("id,gwp_manufacturing_kgco2e\nlaptop,-3\n", encoding="utf-8")
    with pytest.raises(InputError, match="is negative"):
        load_factors(bad)
    with pytest.raises(InputError, match="not found"):
        load_factors(tmp_path / "absent.csv")


def test_assess_with_user_factors_reports_overrides(tmp_path: Path) -> None:
    import json

    from support import base_dossier, write_yaml

    dossier = write_yaml(tmp_path / "d.yaml", base_dossier())
    user = tmp_path / "f.csv"
    user.write_text("id,gwp_manufacturing_kgco2e,source\nlaptop,340,My LCA\n", encoding="utf-8")
    runner = CliRunner()
    args = ["assess", str(dossier), "--format", "json", "--rows"]
    plain = json.loads(runner.invoke(cli, args).output)
    bent = json.loads(runner.invoke(cli, [*args, "--factors", str(user)]).output)
    override = bent["factors_dataset"]["overrides"][0]
    assert (
        override["factor_id"] == "laptop"
        and override["reference"] == 170
        and override["value"] == 340
    )
    assert any(w["code"] == "FACTOR_OVERRIDDEN" for w in bent["warnings"])

    def manufacturing(data: dict) -> float:  # type: ignore[type-arg]
        return float(data["by_phase"]["manufacturing"]["gwp"]["value"])

    # 2 laptops x 0.5 / 5 years x 3 years: (340 - 170) x 0.2 x 3 = 102 kgCO2e more
    assert manufacturing(bent) - manufacturing(plain) == pytest.approx(102.0, rel=1e-9)
    laptop_rows = [r for r in bent["rows"] if r["item"] == "laptops"]
    assert {r["quality"] for r in laptop_rows} == {"declared"}


def test_factors_commands() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["factors", "list", "--kind", "laptop"])
    assert listed.exit_code == 0
    assert "laptop" in listed.output and "ADEME publicodes-acv-numerique" in listed.output
    assert "server-medium" not in listed.output
    shown = runner.invoke(cli, ["factors", "show", "server-medium"])
    assert shown.exit_code == 0
    assert (
        "gwp_manufacturing_kgco2e: 947.8" in shown.output and "source_url: https://" in shown.output
    )
    found = runner.invoke(cli, ["factors", "search", "mobile"])
    assert "network-mobile-fra-gb" in found.output
    missing = runner.invoke(cli, ["factors", "show", "laptp"])
    assert missing.exit_code == 2
    assert missing.output == (
        "Erreur : « laptp » n'est pas l'id d'une ligne de facteur (vouliez-vous dire « laptop » ?). "
        "Correction : lancez « ecodigital factors list » pour voir les ids\n"
    )
    bad_kind = runner.invoke(cli, ["factors", "list", "--kind", "latop"])
    assert bad_kind.exit_code == 2 and "vouliez-vous dire « laptop »" in bad_kind.output
    # French words for kinds are understood: "ordinateur portable" is a laptop
    french = runner.invoke(cli, ["factors", "list", "--kind", "ordinateur portable"])
    assert french.exit_code == 2 and "vouliez-vous dire « laptop »" in french.output
    # labels are in the reader's language, and French words find the row
    assert (
        "Ordinateur portable (14,6 pouces"
        in runner.invoke(cli, ["factors", "show", "laptop"]).output
    )
    assert "laptop " in runner.invoke(cli, ["factors", "search", "ordinateur portable"]).output


def test_a_users_row_keeps_its_own_label_over_the_catalogues(tmp_path: Path) -> None:
    from ecodigital.factors.labels import factor_label

    assert (
        factor_label("laptop", "Laptop", "fr")
        == "Ordinateur portable (14,6 pouces, 11 Go de RAM, SSD de 497 Go)"
    )
    assert factor_label("laptop", "Portable de la DSI", "fr", user=True) == "Portable de la DSI"
    assert factor_label("my-row", "Mon serveur", "fr") == "Mon serveur"


def test_the_reference_tables_are_read_through_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import sys

    import pandas as pd

    from ecodigital.factors import database

    root = tmp_path / "2026.2"
    shutil.copytree(reference_data_dir(), root)
    cache = tmp_path / "cache"
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    read = database._through_cache(root, cache)
    [cached] = cache.glob("factors-2026.2-*.pickle")

    def unread(folder: Path) -> None:
        raise AssertionError("the files were read again")

    with monkeypatch.context() as patch:
        patch.setattr(database, "_read_reference", unread)
        again = database._through_cache(root, cache)  # from the cache
    pd.testing.assert_frame_equal(again.frame, read.frame, check_exact=True)
    assert again.grid == read.grid and (again.name, again.version) == (read.name, read.version)
    fresh = database._read_reference(root)
    pd.testing.assert_frame_equal(read.frame, fresh.frame, check_exact=True)

    # an edited file is read again, and its cache replaces the former one
    network = root / "network.csv"
    network.write_text(network.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    database._through_cache(root, cache)
    [second] = cache.glob("factors-2026.2-*.pickle")
    assert second != cached
    # a cache that cannot be read is not used
    second.write_bytes(b"not a pickle")
    pd.testing.assert_frame_equal(
        database._through_cache(root, cache).frame, fresh.frame, check_exact=True
    )
    # none is written where Python writes no bytecode
    shutil.rmtree(cache)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    database._through_cache(root, cache)
    assert not cache.exists()
