"""The actuals file: a valid one read with its CodeCarbon files, bad ones refused in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecodigital.errors import InputError
from ecodigital.suivi.load import load_actuals

DATA = Path(__file__).parents[1] / "measure" / "data" / "v3"

VALID = """\
format: ecodigital-suivi/1
years:
  - year: 2027
    users: {count: 1200, method: accounts}
    institutions: 3
    equipment:
      - {item: agents-laptops, kind: laptop, bought: 14, retired: 2}
    measurements:
      - item: web-server
        files: [mesures/emissions.csv]
        per: run
        runs_per_year: 1000
    traffic: {gb: 350.5, source: statistiques du CDN}
    expenses:
      - {label: Développement, amount_eur: "12000.50"}
  - year: 2028
    users: {count: 2500, method: unique_visitors}
"""


def _write(folder: Path, text: str) -> Path:
    path = folder / "suivi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_is_read_with_its_measurements(tmp_path: Path) -> None:
    (tmp_path / "mesures").mkdir()
    shutil.copy(DATA / "emissions.csv", tmp_path / "mesures" / "emissions.csv")
    loaded = load_actuals(_write(tmp_path, VALID))
    first, second = loaded.model.years
    assert (first.year, first.users.count, first.users.method) == (2027, 1200, "accounts")
    assert first.institutions == 3
    assert (first.equipment[0].bought, first.equipment[0].retired) == (14, 2)
    assert str(first.expenses[0].amount_eur) == "12000.50"
    assert second.institutions is None  # not given: unknown, never zero
    assert second.traffic is None
    (measured,) = loaded.measurements[2027]
    # The file holds two runs of four cumulative rows each; a run counts with its
    # last row: 2.344697030333565e-05 + 2.3318689039083175e-05 kWh.
    assert measured.item == "web-server"
    assert measured.energy_kwh == pytest.approx(4.6765659342418825e-05, rel=1e-12)
    assert loaded.measurements[2028] == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            VALID.replace("method: accounts", "method: acounts"),
            "suivi.yaml:4: years[0].users.method:",
        ),
        (VALID.replace("institutions: 3", "institution: 3"), "suivi.yaml:5: years[0].institution:"),
        (VALID.replace("year: 2028", "year: 2027"), "suivi.yaml:16: years[1].year:"),
        (VALID.replace("count: 1200", "count: -4"), "suivi.yaml:4: years[0].users.count:"),
        (VALID.replace("ecodigital-suivi/1", "ecodigital/1"), "suivi.yaml:1: format:"),
        ("years: []\n", "suivi.yaml: format:"),
        ("- 1\n", "suivi.yaml:"),
    ],
)
def test_bad_field_is_one_line_naming_file_field_and_fix(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        load_actuals(_write(tmp_path, text))
    for lang, fix in (("fr", "Correction"), ("en", "Fix")):
        line = caught.value.message(lang)
        assert "\n" not in line
        assert expected in line.replace(str(tmp_path) + "/", "")
        assert fix in line or "Solution" in line


def test_measurement_outside_the_folder_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "projet"
    inner.mkdir()
    shutil.copy(DATA / "emissions.csv", tmp_path / "emissions.csv")
    text = VALID.replace("mesures/emissions.csv", "../emissions.csv")
    with pytest.raises(InputError) as caught:
        load_actuals(_write(inner, text))
    line = caught.value.message("fr")
    assert "years[0].measurements[0].files[0]" in line
    assert "../emissions.csv" in line


def test_measurement_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mesures").mkdir()
    (tmp_path / "mesures" / "emissions.csv").mkdir()  # a folder with no emissions.csv in it
    with pytest.raises(InputError):
        load_actuals(_write(tmp_path, VALID))
