"""``compare`` flags the same dossier submitted twice, or under two names (equal SHA-256 of
the canonical embedded dossier), and names the other file on each row."""

from __future__ import annotations

import shutil
from pathlib import Path

from ecodigital.review.compare import compare_files
from ecodigital.review.report import render_csv

from .conftest import copy_into


def test_the_same_dossier_under_two_names_is_flagged_on_both(notes, tmp_path: Path) -> None:
    plain, users = copy_into(tmp_path, notes["plain"], notes["users"])
    renamed = tmp_path / "autre-nom.html"
    shutil.copy(plain, renamed)
    rows = {Path(row.file).name: row for row in compare_files([plain, users, renamed])}
    assert rows["plain.html"].flag_codes.count("DUPLICATE") == 1
    assert rows["autre-nom.html"].flag_codes.count("DUPLICATE") == 1
    assert "DUPLICATE" not in rows["users.md"].flag_codes
    (flag,) = (f for f in rows["plain.html"].flags if f.code == "DUPLICATE")
    assert flag.details == (str(renamed),)
    assert rows["plain.html"].dossier_sha256 == rows["autre-nom.html"].dossier_sha256
    assert rows["plain.html"].dossier_sha256 != rows["users.md"].dossier_sha256
    assert "DUPLICATE: Duplicate dossier" in render_csv(list(rows.values()))


def test_distinct_dossiers_are_not_duplicates(notes) -> None:
    rows = compare_files([notes["plain"], notes["users"], notes["nonetwork"]])
    assert all("DUPLICATE" not in row.flag_codes for row in rows)
