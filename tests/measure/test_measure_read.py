"""Reading CodeCarbon 2.x and 3.x CSV files, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodigital.errors import InputError
from ecodigital.measure.read import RUN_COLUMNS, read_emissions_csv, read_emissions_files

DATA = Path(__file__).parent / "data"
V3_CSV = DATA / "v3" / "emissions.csv"
V2_CSV = DATA / "v2" / "emissions.csv"

RUN_A = "28cd3fac-bea7-45dc-a0bf-d532bfa729db"
RUN_B = "f6abb7eb-4fdb-4cf1-a36e-3403dd73adb2"


def _write(tmp_path: Path, text: str | bytes, name: str = "emissions.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("path", "version"), [(V3_CSV, "3.3.2"), (V2_CSV, "2.8.3")])
def test_reads_one_row_per_run_the_last_cumulative_row(path, version):
    runs = read_emissions_csv(path)
    frame = runs.frame
    assert list(frame.columns) == list(RUN_COLUMNS)
    assert list(frame["run_id"]) == [RUN_A, RUN_B]
    # the fixture's last row of each run (4 cumulative rows each)
    assert list(frame["duration_s"]) == pytest.approx([3.0257588110000597, 3.0306724829999894])
    assert list(frame["energy_kwh"]) == pytest.approx(
        [2.344697030333565e-05, 2.3318689039083175e-05]
    )
    assert list(frame["emissions_kgco2e"]) == pytest.approx(
        [1.3139447688286267e-06, 1.3067560150611822e-06]
    )
    assert set(frame["codecarbon_version"]) == {version}
    assert set(frame["country"]) == {"FRA"}
    assert runs.warnings == []


def test_a_utf8_bom_is_accepted(tmp_path):
    path = _write(tmp_path, b"\xef\xbb\xbf" + V3_CSV.read_bytes())
    assert len(read_emissions_csv(path).frame) == 2


def test_a_folder_means_its_emissions_csv():
    assert len(read_emissions_csv(V3_CSV.parent).frame) == 2


def test_a_file_without_run_id_counts_each_row_as_a_run(tmp_path):
    path = _write(tmp_path, "duration,emissions,energy_consumed\n10,0.001,0.02\n20,0.002,0.04\n")
    frame = read_emissions_csv(path).frame
    assert list(frame["energy_kwh"]) == [0.02, 0.04]


def test_the_same_run_in_two_files_counts_once(tmp_path):
    copy = _write(tmp_path, V3_CSV.read_text(encoding="utf-8"))
    assert len(read_emissions_files([V3_CSV, copy]).frame) == 2


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_emissions_csv(path)
    return str(info.value)


def test_empty_file(tmp_path):
    path = _write(tmp_path, "")
    assert _error(path) == (
        f"{path}: is empty. Fix: CodeCarbon writes its file at the first flush: measure again, "
        "or give another file"
    )


def test_header_only(tmp_path, v3_header):
    path = _write(tmp_path, v3_header + "\n")
    assert _error(path) == (
        f"{path}: has a header but no rows. Fix: CodeCarbon writes a row at each flush and at "
        "the end of a run: measure again"
    )


def test_missing_column(tmp_path):
    path = _write(tmp_path, "duration,emissions\n1,2\n")
    assert _error(path) == (
        f'{path}: column "energy_consumed": is missing. '
        'Fix: restore the column "energy_consumed" as CodeCarbon wrote it'
    )


def test_renamed_column(tmp_path):
    path = _write(tmp_path, "duration,emissions,energy_consumed_kwh\n1,2,3\n")
    assert _error(path) == (
        f'{path}: column "energy_consumed": is missing '
        '(found "energy_consumed_kwh": renamed?). '
        'Fix: restore the column "energy_consumed" as CodeCarbon wrote it'
    )


def test_not_a_csv(tmp_path):
    path = _write(tmp_path, '{"format": "ecodigital-measure/1"}\n', name="emissions.json")
    assert _error(path) == (
        f"{path}: is not a CodeCarbon CSV file (its first line has no duration, emissions and "
        "energy_consumed columns). Fix: give the emissions.csv written by CodeCarbon, or the "
        'folder "ecodigital measure -o" wrote'
    )


def test_binary_file(tmp_path):
    path = _write(tmp_path, b"PK\x03\x04\x00\x00binary")
    assert _error(path) == (
        f"{path}: is not a CSV file (it holds binary data). Fix: give the emissions.csv written "
        'by CodeCarbon, or the folder "ecodigital measure -o" wrote'
    )


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    assert _error(path) == f"{path}: measurement file not found. Fix: check the path"


def test_folder_without_csv(tmp_path):
    assert _error(tmp_path) == (
        f"{tmp_path}: is a folder without an emissions.csv. Fix: give the emissions.csv "
        'written by CodeCarbon, or the folder "ecodigital measure -o" wrote'
    )


def test_size_limit(tmp_path):
    with pytest.raises(InputError, match="is 1590 bytes, more than the limit of 1000 bytes"):
        read_emissions_csv(
            _write(tmp_path, V3_CSV.read_text(encoding="utf-8")[:1590]), max_bytes=1000
        )


def _skipped(runs) -> list[str]:
    return [w.message for w in runs.warnings if w.code == "MEASURE_ROWS_SKIPPED"]


def test_zero_and_negative_durations_are_skipped_with_a_warning(tmp_path):
    path = _write(
        tmp_path,
        "run_id,duration,emissions,energy_consumed\na,10,0.001,0.02\nb,0,0,0\nc,-5,0.001,0.01\n",
    )
    runs = read_emissions_csv(path)
    assert list(runs.frame["run_id"]) == ["a"]
    assert _skipped(runs) == [
        f"{path}: 2 of 3 rows skipped because their duration is zero or negative"
    ]


def test_negative_energy_and_non_numbers_are_skipped(tmp_path):
    path = _write(
        tmp_path,
        "run_id,duration,emissions,energy_consumed\na,10,0.001,0.02\nb,10,0.001,-1\nc,10,x,0.01\n",
    )
    runs = read_emissions_csv(path)
    assert list(runs.frame["run_id"]) == ["a"]
    assert _skipped(runs) == [
        f"{path}: 1 of 3 rows skipped because their duration, emissions or energy_consumed "
        "is not a number",
        f"{path}: 1 of 3 rows skipped because their energy or emissions is negative",
    ]


def test_joined_files_repeat_the_header(tmp_path, v3_header, v3_rows):
    path = _write(tmp_path, "\n".join([v3_header, *v3_rows[:4], v3_header, *v3_rows[4:]]) + "\n")
    runs = read_emissions_csv(path)
    assert len(runs.frame) == 2
    assert _skipped(runs) == [
        f"{path}: 1 of 9 rows skipped because they repeat the header line (files joined?)"
    ]


def test_a_line_cut_short_by_a_kill_is_skipped(tmp_path, v3_header, v3_rows):
    cut = v3_rows[3][:40]  # timestamp, project and half a run id
    path = _write(tmp_path, "\n".join([v3_header, *v3_rows[:3], cut]) + "\n")
    runs = read_emissions_csv(path)
    assert list(runs.frame["duration_s"]) == pytest.approx([3.0130950620000476])
    assert _skipped(runs) == [
        f"{path}: 1 of 4 rows skipped because their duration, emissions or energy_consumed "
        "is not a number"
    ]


def test_joined_files_of_two_versions_are_refused(tmp_path, v3_header, v3_rows):
    v2 = V2_CSV.read_text(encoding="utf-8").splitlines()
    path = _write(tmp_path, "\n".join([*v2, v3_header, *v3_rows]) + "\n")
    assert _error(path) == (
        f"{path}: line 10: is a header line with other columns than the first line: files of "
        "different CodeCarbon versions were joined, and their columns do not line up. "
        "Fix: split the file at that line, and give both files"
    )


def test_a_duplicated_column_is_refused(tmp_path):
    path = _write(tmp_path, "duration,emissions,energy_consumed,duration\n1,2,3,4\n")
    assert _error(path) == (
        f'{path}: column "duration": appears twice in the header. '
        "Fix: keep the header CodeCarbon wrote"
    )


def test_no_usable_row_is_an_error(tmp_path):
    path = _write(tmp_path, "duration,emissions,energy_consumed\n0,0,0\n-1,0,0\n")
    assert _error(path) == (
        f"{path}: has no usable row: 2 rows skipped (2 because their duration is zero or "
        "negative). Fix: check the file"
    )


def test_mixed_countries_and_versions_are_warned(tmp_path):
    path = _write(
        tmp_path,
        "run_id,duration,emissions,energy_consumed,country_iso_code,codecarbon_version\n"
        "a,10,0.001,0.02,FRA,2.8.3\nb,10,0.004,0.02,DEU,3.3.2\nc,10,0.001,0.02,FRA,3.3.2\n",
    )
    runs = read_emissions_csv(path)
    assert [(w.code, w.message) for w in runs.warnings] == [
        (
            "MEASURE_MIXED_COUNTRIES",
            f"{path}: runs from 2 countries DEU (1), FRA (2); CodeCarbon's emissions mix grids, "
            "ecodigital uses the energy only",
        ),
        (
            "MEASURE_MIXED_VERSIONS",
            f"{path}: runs from CodeCarbon 2.8, 3.3, whose CPU and RAM models differ; "
            "compare runs of one version",
        ),
    ]


def test_big_files_are_parsed_in_chunks_with_the_same_result(
    tmp_path, monkeypatch, v3_header, v3_rows
):
    from ecodigital.measure import read

    rows = [row.replace("nightly-export", f"job-{i % 3}") for i, row in enumerate(v3_rows * 50)]
    path = _write(tmp_path, "\n".join([v3_header, *rows, "cut,short"]) + "\n")
    whole = read_emissions_csv(path)
    monkeypatch.setattr(read, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(
        read.os if hasattr(read, "os") else __import__("os"), "cpu_count", lambda: 4
    )
    chunked = read_emissions_csv(path)
    assert chunked.frame.equals(whole.frame)
    assert [w.message for w in chunked.warnings] == [w.message for w in whole.warnings]
    assert len(whole.frame) == 2  # 50 copies of two runs: the same two runs
