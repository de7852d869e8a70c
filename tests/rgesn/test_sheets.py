"""RGESN answers in spreadsheets: CSV for French Excel and LibreOffice, XLSX, ODS, both ways.

The round-trip tests compare the dossier's bytes before and after an import:
one answer changes, every other byte stays.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.dossier.load import load_dossier
from ecodigital.rgesn.csvio import import_answers
from ecodigital.rgesn.sheets import read_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
HEADER_FR = "id;famille;priorité;poids;libellé;statut;justification;action;échéance;responsable"
HEADER_EN = "id;family;priority;weight;label;status;justification;action;due;owner"
LINE_31 = '    "3.1": {status: conforme, justification: "Architecture sobre"}\n'


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    path = tmp_path / "dossier.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["rgesn", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _export_csv(dossier: Path, lang: str = "fr") -> str:
    out = dossier.parent / f"rgesn-{lang}.csv"
    _run(str(dossier), "--export", str(out), "--lang", lang)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return data.decode("utf-8-sig")


def _answer_31(text: str) -> str:
    """The exported CSV with criterion 3.1 answered (as a person would in a spreadsheet)."""
    old = "3.1;Architecture;prioritaire;1,5;Architecture et composants sobres;;;;;\r\n"
    assert old in text
    return text.replace(
        old,
        "3.1;Architecture;prioritaire;1,5;Architecture et composants sobres;conforme;"
        "Architecture sobre;;;\r\n",
    )


def _only_change_is_31(before: bytes, after: bytes) -> None:
    """``after`` is ``before`` with one line added, byte for byte: the answer to 3.1."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(new) == len(old) + 1
    index = new.index(LINE_31.encode())
    assert new[:index] + new[index + 1 :] == old
    assert new[index - 1].startswith(b'    "2.7": ')  # in criterion order


def test_csv_export_for_french_spreadsheets(dossier):
    text = _export_csv(dossier)
    lines = text.split("\r\n")
    assert lines[0] == HEADER_FR
    assert len(lines) == 80 and lines[-1] == ""  # header, 78 criteria, final line end
    assert lines[4] == (
        "1.4;Stratégie;prioritaire;1,5;Revues régulières de la démarche d'écoconception;"
        "non_conforme;;Revue d'écoconception à chaque fin de lot, avec le RGESN.;30/06/2026;"
        "Référente écoconception"
    )
    english = _export_csv(dossier, "en").split("\r\n")
    assert english[0] == HEADER_EN
    assert english[4].startswith("1.4;Strategy;priority;1.5;Regular reviews of the eco-design")
    assert ";2026-06-30;" in english[4]


def test_import_of_an_unchanged_export_changes_nothing(dossier):
    before = dossier.read_bytes()
    for fmt in ("csv", "xlsx", "ods"):
        sheet = dossier.parent / f"r.{fmt}"
        _run(str(dossier), "--export", str(sheet))
        output = _run(str(dossier), "--import", str(sheet))
        assert "aucune réponse modifiée, 23 inchangée(s)." in output
    assert dossier.read_bytes() == before


def test_one_change_in_csv_changes_one_answer_byte_for_byte(dossier):
    sheet = dossier.parent / "sheet.csv"
    sheet.write_text(_answer_31(_export_csv(dossier)), encoding="utf-8-sig", newline="")
    before = dossier.read_bytes()
    output = _run(str(dossier), "--import", str(sheet))
    assert "1 réponse modifiée (3.1), 23 inchangée(s)." in output
    _only_change_is_31(before, dossier.read_bytes())


def test_a_changed_field_keeps_the_others_as_written(dossier, tmp_path):
    # 1.4's due date moves from 30/06/2026 to 31/07/2026, written the French way.
    text = _export_csv(dossier).replace(";30/06/2026;Référente", ";31/07/2026;Référente")
    sheet = tmp_path / "s.csv"
    sheet.write_text(text, encoding="utf-8-sig", newline="")
    before = dossier.read_text(encoding="utf-8").splitlines()
    _run(str(dossier), "--import", str(sheet))
    after = dossier.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            '    "1.4": {status: non_conforme, action: "Revue d\'écoconception à chaque fin de lot, '
            'avec le RGESN.", due: 2026-06-30, owner: "Référente écoconception"}',
            '    "1.4": {status: non_conforme, action: "Revue d\'écoconception à chaque fin de lot, '
            'avec le RGESN.", due: 2026-07-31, owner: "Référente écoconception"}',
        )
    ]


def test_dates_words_and_headers_a_spreadsheet_may_give(dossier, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "Statut;ID;Échéance;Action\n"
        "Non conforme;3.2;15/09/2027;Réduire les instances\n"
        "À évaluer;3.3;2027-01-31;Vérifier\n"
        "N/A;5.1;;\n",
        encoding="utf-8",
    )
    result = import_answers(dossier, sheet)
    assert result.changed == ("3.2", "3.3", "5.1")
    answers = load_dossier(dossier).model.rgesn.answers
    assert answers["3.2"].status == "non_conforme" and answers["3.2"].due == dt.date(2027, 9, 15)
    assert answers["3.3"].status == "a_evaluer" and answers["3.3"].due == dt.date(2027, 1, 31)
    assert answers["5.1"].status == "non_applicable"


def test_a_bad_date_names_the_cell(dossier, tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("id;statut;échéance\n3.2;non_conforme;31/02/2027\n", encoding="utf-8")
    before = dossier.read_bytes()
    result = CliRunner().invoke(cli, ["rgesn", str(dossier), "--import", str(sheet)])
    assert result.exit_code == 2
    assert (
        "s.csv: ligne 2, colonne « échéance »: « 31/02/2027 » n'est pas une date. "
        "Correction : écrivez JJ/MM/AAAA (30/06/2026) ou AAAA-MM-JJ (2026-06-30)"
    ) in result.output
    assert dossier.read_bytes() == before


def test_ids_a_spreadsheet_turned_into_numbers_or_dates(dossier, tmp_path):
    import openpyxl

    # Excel reads "1.10" as the number 1.1 (or, in French, as 1 October); the label says
    # which criterion it was.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "libellé", "statut", "justification"])
    sheet.append([1.1, "API ouvertes et documentées vers le matériel", "conforme", "API publiée"])
    sheet.append([dt.datetime(2026, 10, 2), "", "conforme", "Compatibilité vérifiée"])  # 2.10
    sheet.append([1.7, "", "conforme", "Chiffrement proportionné"])  # 1.7 or 1.70: only 1.7
    path = tmp_path / "ids.xlsx"
    book.save(path)
    result = import_answers(dossier, path)
    assert result.changed == ("1.10", "2.10", "1.7")
    answers = load_dossier(dossier).model.rgesn.answers
    assert answers["1.10"].justification == "API publiée"
    assert answers["2.10"].justification == "Compatibilité vérifiée"
    assert answers["1.7"].justification == "Chiffrement proportionné"
    # 2.1 or 2.10, and no label to tell them apart
    book = openpyxl.Workbook()
    book.active.append(["id", "statut"])
    book.active.append([2.1, "conforme"])
    ambiguous = tmp_path / "ambiguous.xlsx"
    book.save(ambiguous)
    result = CliRunner().invoke(cli, ["rgesn", str(dossier), "--import", str(ambiguous)])
    assert result.exit_code == 2
    assert "le tableur a changé l'identifiant en « 2.1 » : est-ce 2.1, 2.10 ?" in result.output


def test_formulas_are_neutralised_in_every_export(dossier):
    import openpyxl
    from odfdo import Document

    text = dossier.read_text(encoding="utf-8").replace(
        '"2.3": {status: conforme, justification: "Pages utilisables en 3G ; brouillons '
        'enregistrés localement."}',
        '"2.3": {status: conforme, justification: "=HYPERLINK(\\"http://x\\",\\"y\\")", '
        'owner: "-1+1"}',
    )
    dossier.write_text(text, encoding="utf-8")
    before = dossier.read_bytes()
    exported = _export_csv(dossier)
    row = next(r for r in csv.reader(io.StringIO(exported), delimiter=";") if r[0] == "2.3")
    assert row[6] == '\'=HYPERLINK("http://x","y")' and row[9] == "'-1+1"
    xlsx, ods = dossier.parent / "r.xlsx", dossier.parent / "r.ods"
    _run(str(dossier), "--export", str(xlsx))
    _run(str(dossier), "--export", str(ods))
    cell = openpyxl.load_workbook(xlsx).active["G14"]  # 2.3: after 1.1-1.10, 2.1 and 2.2
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")  # text, not formula
    table = Document(str(ods)).body.get_table(0)
    ods_cell = table.get_cell("G14")
    assert ods_cell.type == "string" and ods_cell.formula is None
    assert ods_cell.value == '=HYPERLINK("http://x","y")'
    for sheet in (dossier.parent / "rgesn-fr.csv", xlsx, ods):
        assert "aucune réponse modifiée" in _run(str(dossier), "--import", str(sheet))
    assert dossier.read_bytes() == before


def test_line_ends_bom_mode_and_symlink_are_kept(tmp_path):
    real = tmp_path / "real" / "dossier.yaml"
    real.parent.mkdir()
    data = EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    real.write_bytes(b"\xef\xbb\xbf" + data)
    real.chmod(0o640)
    link = tmp_path / "dossier.yaml"
    link.symlink_to(real)
    sheet = tmp_path / "s.csv"
    sheet.write_text(_answer_31(_export_csv(link)), encoding="utf-8-sig", newline="")
    _run(str(link), "--import", str(sheet))
    assert link.is_symlink() and link.resolve() == real
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    after = real.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    crlf_line = LINE_31.replace("\n", "\r\n").encode()
    assert crlf_line in after  # the new line ends as the file's others do
    _only_change_is_31(b"\xef\xbb\xbf" + data, after.replace(crlf_line, LINE_31.encode()))


def test_layout_ruamel_would_change_elsewhere_is_kept(dossier, tmp_path):
    # Spacing that a YAML writer normalises: it must survive an import byte for byte.
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("  country: FRA\n", "  country:   FRA      # pays\n", 1)
    text = text.replace('    "1.7": {status: conforme,', '    "1.7": { status:   conforme ,', 1)
    text = text.replace(
        "category: prestations_externes, amount: 118000",
        "category:  prestations_externes ,amount: 118000",
        1,
    )
    dossier.write_text(text, encoding="utf-8")
    sheet = tmp_path / "s.csv"
    sheet.write_text(_answer_31(_export_csv(dossier)), encoding="utf-8-sig", newline="")
    before = dossier.read_bytes()
    _run(str(dossier), "--import", str(sheet))
    _only_change_is_31(before, dossier.read_bytes())


def test_windows_1252_csv_from_excel(dossier, tmp_path):
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes(
        "id;statut;justification\r\n3.2;conforme;Dimensionné à la charge\r\n".encode("cp1252")
    )
    assert import_answers(dossier, sheet).changed == ("3.2",)
    assert (
        load_dossier(dossier).model.rgesn.answers["3.2"].justification == "Dimensionné à la charge"
    )


def test_export_manners(dossier, tmp_path):
    runner = CliRunner()
    out = tmp_path / "rgesn.xlsx"
    old = os.umask(0o022)
    try:
        assert runner.invoke(cli, ["rgesn", str(dossier), "--export", str(out)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not the 0600 of a temporary file
    again = runner.invoke(cli, ["rgesn", str(dossier), "--export", str(out)])
    assert again.exit_code == 2
    assert "existe déjà. Correction : choisissez un autre chemin ou ajoutez --force" in (
        again.output
    )
    out.chmod(0o600)
    assert (
        runner.invoke(cli, ["rgesn", str(dossier), "--export", str(out), "--force"]).exit_code == 0
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a replaced file keeps its mode
    before = dossier.read_bytes()
    over = runner.invoke(cli, ["rgesn", str(dossier), "--export", str(dossier), "--force"])
    assert over.exit_code == 2  # the dossier is never an output, --force or not
    assert dossier.read_bytes() == before
    wrong = runner.invoke(cli, ["rgesn", str(dossier), "--export", str(tmp_path / "r.txt")])
    assert wrong.exit_code == 2
    assert "nommez le fichier .csv, .xlsx ou .ods" in wrong.output


def test_hostile_sheets_are_refused(dossier, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    folder = tmp_path / "folder.ods"
    folder.mkdir()
    for path, words in (
        (fake, "n'est pas un fichier XLSX lisible"),
        (folder, "pas un fichier ordinaire"),
    ):
        result = CliRunner().invoke(cli, ["rgesn", str(dossier), "--import", str(path)])
        assert result.exit_code == 2, result.output
        assert words in result.output


# --------------------------------------------------------------------------- LibreOffice

#: The options of LibreOffice's CSV import dialog a French user has: separator ";" (59),
#: text in double quotes (34), Unicode UTF-8 (76), from line 1, language French (1036).
FRENCH_CSV_IMPORT = "CSV:59,34,76,1,,1036"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice (soffice) is missing: run scripts/install-system-deps.sh --test")
    return found


def _convert(source: Path, fmt: str, outdir: Path) -> Path:
    profile = outdir / "profile"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
         f"--infilter={FRENCH_CSV_IMPORT}", "--convert-to", fmt, "--outdir", str(outdir),
         str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    converted = outdir / f"{source.stem}.{fmt}"
    assert converted.is_file()
    return converted


@pytest.mark.slow
def test_libreoffice_opens_the_csv_as_columns_and_its_files_import_back(dossier, tmp_path):
    sheet = tmp_path / "rgesn.csv"
    sheet.write_text(_answer_31(_export_csv(dossier)), encoding="utf-8-sig", newline="")
    ods = _convert(sheet, "ods", tmp_path / "lo")
    xlsx = _convert(sheet, "xlsx", tmp_path / "lo")
    for path in (ods, xlsx):
        rows = read_table(path)
        assert len(rows) == 79 and all(len(row) >= 10 for row in rows)
        assert [str(c) for c in rows[0][:10]] == HEADER_FR.split(";")
        row = rows[4]  # 1.4, as LibreOffice typed it in French: a number and a date
        assert row[0] == "1.4" and row[1] == "Stratégie"
        assert float(row[3]) == 1.5
        assert row[8] == dt.date(2026, 6, 30) or row[8] == dt.datetime(2026, 6, 30)
    for path in (ods, xlsx):
        shutil.copy(EXAMPLE, dossier)
        before = dossier.read_bytes()
        output = _run(str(dossier), "--import", str(path))
        assert "1 réponse modifiée (3.1), 23 inchangée(s)." in output
        _only_change_is_31(before, dossier.read_bytes())
