"""The comparison workbook stores numbers as numbers, with number formats, and its flag
details in the chosen language (read back from the XLSX's own XML, no spreadsheet library)."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

from ecodigital.review.compare import ApplicationRow
from ecodigital.review.flags import Flag
from ecodigital.review.report import FLAT_COLUMNS, render_xlsx


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _book(lang: str) -> tuple[str, str, str]:
    row = ApplicationRow(
        file="a.json",
        eligible_cost_eur=Decimal("12345.67"),
        embodied_share=0.25,
        gwp_kgco2e=1500.5,
        flags=[Flag("NO_MEASUREMENT")],
    )
    with zipfile.ZipFile(io.BytesIO(render_xlsx([row], lang))) as book:
        return (
            book.read("xl/worksheets/sheet1.xml").decode(),
            book.read("xl/styles.xml").decode(),
            book.read("xl/sharedStrings.xml").decode(),
        )


def _cell(sheet: str, column: str) -> re.Match[str]:
    ref = f"{_column_letter(FLAT_COLUMNS.index(column))}2"
    match = re.search(rf'<c r="{ref}"([^>]*)><v>([^<]*)</v></c>', sheet)
    assert match is not None, ref
    return match


def _format_of(styles: str, attributes: str) -> str:
    """The number format code of the cell style named in ``attributes`` (``s="N"``)."""
    style = int(re.search(r's="(\d+)"', attributes).group(1))  # type: ignore[union-attr]
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)  # type: ignore[union-attr]
    xf = re.findall(r"<xf [^>]*?/?>", xfs)[style]
    fmt_id = re.search(r'numFmtId="(\d+)"', xf).group(1)  # type: ignore[union-attr]
    builtin = {"10": "0.00%"}
    if fmt_id in builtin:
        return builtin[fmt_id]
    found = re.search(rf'<numFmt numFmtId="{fmt_id}" formatCode="([^"]*)"', styles)
    return found.group(1) if found else f"builtin {fmt_id}"


def test_amount_in_eur_is_a_number_with_a_format():
    sheet, styles, _ = _book("fr")
    cell = _cell(sheet, "eligible_cost_eur")
    # a number cell has no t="s" (shared string) and holds the amount itself
    assert 't="' not in cell.group(1)
    assert float(cell.group(2)) == 12345.67
    assert _format_of(styles, cell.group(1)) == "#,##0.00"


def test_shares_and_masses_have_their_formats():
    sheet, styles, _ = _book("fr")
    share = _cell(sheet, "embodied_share")
    assert float(share.group(2)) == 0.25
    assert _format_of(styles, share.group(1)) == "0.0%"
    gwp = _cell(sheet, "gwp_kgco2e")
    assert float(gwp.group(2)) == 1500.5
    assert _format_of(styles, gwp.group(1)) == "#,##0.0"


def test_flag_details_follow_the_language():
    _, _, french = _book("fr")
    _, _, english = _book("en")
    assert "NO_MEASUREMENT: Aucune mesure" in french
    assert "NO_MEASUREMENT: No measurement" not in french
    assert "NO_MEASUREMENT: No measurement" in english
