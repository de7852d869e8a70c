"""The hostile corpus: every file gets a clear error of its own or comes out inert,
the batch finishes, and nothing is written outside the output path."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ecodigital.cli import cli
from ecodigital.report.payload import (
    ODT_MEMBER,
    PDF_ATTACHMENT,
    compute_digest,
    html_payload_block,
)
from ecodigital.review.compare import compare_files
from ecodigital.review.readers import UnreadableFile, json_depth, read_note_payload
from ecodigital.review.report import render_csv, render_html, render_table, render_xlsx

INJECTIONS = (
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\tTAB",
    "\x1b[31mred\x1b[0m",
)


def _pdf(objects: list[bytes], trailer: bytes) -> bytes:
    """A PDF with a correct cross-reference table (objects numbered from 1)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _pdf_with_attachment(stream: bytes, extra: bytes = b"", size: int | None = None) -> bytes:
    name = PDF_ATTACHMENT.encode()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Names [(" + name + b") 4 0 R] >>",
            b"<< /Type /Filespec /F (" + name + b") /EF << /F 5 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length %d " % len(stream) + extra + b">>\nstream\n"
            + stream + b"\nendstream",
        ],
        b"<< /Root 1 0 R /Size %d >>" % (size or 6),
    )  # fmt: skip


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return out.getvalue()


def _payload(notes: dict[str, Path]) -> dict:
    return read_note_payload(notes["plain"])[1]


def _renamed(payload: dict, name: str) -> dict:
    copy = json.loads(json.dumps(payload))
    for project in (copy["dossier"]["project"], copy["results"]["project"]):
        project["name"] = name
        project["beneficiary"]["name"] = name
    copy["digest"]["value"] = compute_digest(copy)
    return copy


@pytest.fixture(scope="module")
def corpus(notes, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Hostile files and the error each must give (a regular expression)."""
    folder = tmp_path_factory.mktemp("corpus")
    payload = _payload(notes)
    good = json.dumps(payload).encode()
    block = html_payload_block(payload)
    expected: dict[str, str] = {}

    def add(name: str, data: bytes | str, error: str) -> None:
        path = folder / name
        (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
        expected[name] = error

    with (folder / "huge.html").open("wb") as handle:  # sparse: 60 MB without the disk
        handle.truncate(60 * 1024 * 1024)
    expected["huge.html"] = r"is 62,914,560 bytes, more than the limit of 52,428,800"
    whole = _pdf_with_attachment(good)
    assert read_note_payload_bytes(folder, "control.pdf", whole) == payload
    add("truncated.pdf", whole[: len(whole) // 2], r"not a readable PDF note|has no embedded")
    add("malformed.pdf", b"%PDF-1.7\n" + os.urandom(4000), r"not a readable PDF note")
    bomb = zlib.compress(b" " * (200 * 1024 * 1024), 9)
    add("embedded-bomb.pdf", _pdf_with_attachment(bomb, b"/Filter /FlateDecode "),
        r"inflates past 20,971,520 bytes")  # fmt: skip
    add("declared-huge.pdf", _pdf_with_attachment(good, b"/Params << /Size 999999999 >> "),
        r"declares 999,999,999 bytes")  # fmt: skip
    add("many-objects.pdf", _pdf_with_attachment(good, size=10_000_000),
        r"declares 10000000 objects")  # fmt: skip
    add("zip-bomb.odt", _zip({ODT_MEMBER: good, "content.xml": b"\0" * (50 * 1024 * 1024)}),
        r"expands \d[\d,]* times .*ZIP bomb")  # fmt: skip
    add("traversal.odt", _zip({ODT_MEMBER: good, "../../evil.txt": b"x"}),
        r"'../../evil.txt', which points outside the package")  # fmt: skip
    add("absolute.odt", _zip({ODT_MEMBER: good, "/etc/cron.d/x": b"x"}), r"points outside")
    add("no-payload.odt", _zip({"content.xml": b"<x/>"}), r"has no ecodigital/payload.json")
    add("deep.json", "[" * 100_000 + "]" * 100_000, r"nested 100000 levels deep, more than 64")
    add("huge.json", '{"format": "' + "x" * (21 * 1024 * 1024) + '"}', r"more than the limit")
    total = json.dumps(payload["results"]["totals"]["gwp"]["value"])
    assert good.decode().count(f'"value": {total}') >= 1  # the total (and scenarios' baseline)
    add("nan.json", good.decode().replace(f'"value": {total}', '"value": NaN', 1),
        r"not valid JSON \(NaN is not allowed")  # fmt: skip
    add("two-blocks.html", f"<html>{block}<p>x</p>{block}</html>", r"holds 2 payload blocks")
    add("script.html", f"<html>{block}<script>fetch('http://x')</script></html>",
        r"1 script element besides the payload")  # fmt: skip
    add("commented.html", f"<html><!-- {block} --></html>", r"inside an HTML comment")
    add("latin1.html", "<html>é</html>".encode("latin-1"), r"is not UTF-8")
    add("alone.md", "# note\n", r"has no payload file beside it \(alone.json\)")
    add("garbage.bin", os.urandom(64), r"is neither a note")
    add("not-a-payload.json", '{"a": 1}', r"is not an ecodigital-note-payload/2 payload")
    bad = {**payload["results"], "totals": [1, 2], "by_tier": "x"}
    add("bad-types.json", json.dumps({**payload, "results": bad}),
        r"results: the results are not valid \(totals: ")  # fmt: skip
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.html")
        expected["fifo.html"] = r"is not a regular file"
    (folder / "control.pdf").unlink()
    return folder, expected


def read_note_payload_bytes(folder: Path, name: str, data: bytes) -> dict:
    path = folder / name
    path.write_bytes(data)
    return read_note_payload(path)[1]


def test_json_depth_skips_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


#: Texts full of what a depth count could mistake for structure: brackets, quotes, backslashes.
_TRICKY = st.text(alphabet='[]{}"\\\\u/ab<>&', max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=30,
)


@given(_JSON)
def test_json_depth_is_the_nesting_json_parses(value):
    """Whatever the strings hold, the count is the nesting of the value, as written by
    ``json.dumps`` and as a note's HTML block writes it (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(value, ensure_ascii=False)
    assert json_depth(text.encode()) == _depth(value)
    escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert json_depth(escaped.encode()) == _depth(value)


def test_every_hostile_file_gets_its_own_clear_error(corpus):
    folder, expected = corpus
    for name, pattern in expected.items():
        if pattern == "DIGEST":
            continue
        if name == "bad-types.json":  # a payload read whole, its results not valid
            (row,) = compare_files([folder / name], lang="en")
            message = str(row.error)
            assert re.search(pattern, message), (name, message)
            continue
        with pytest.raises(UnreadableFile) as caught:
            read_note_payload(folder / name)
        message = caught.value.message("en")
        assert message.startswith(str(folder / name)), message
        assert re.search(pattern, message), (name, message)
        assert "Traceback" not in message and len(message) < 400, message
        french = caught.value.message("fr")  # the same error, in the catalogue's French
        assert french.startswith(str(folder / name)) and french != message, french
        assert "Correction :" in french or "Fix:" not in message, french
    huge = read_error(folder / "huge.html").message("fr")
    assert "fait 62\u202f914\u202f560 octets, plus que la limite de 52\u202f428\u202f800" in huge


def read_error(path: Path) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_note_payload(path)
    return caught.value


def test_a_payload_with_values_of_the_wrong_type_gets_its_own_error(corpus):
    # results are read against their schema: a wrong type is named, never half used
    folder, _ = corpus
    (row,) = compare_files([folder / "bad-types.json"])
    assert row.error is not None
    assert "results: les résultats ne sont pas valides (totals: " in row.error
    assert row.gwp_kgco2e is None


def test_the_batch_finishes_and_writes_only_its_output(corpus, notes, tmp_path, monkeypatch):
    folder, expected = corpus
    monkeypatch.chdir(tmp_path)
    files = [*sorted(str(p) for p in folder.iterdir()), str(notes["plain"])]
    before_corpus = {p: p.stat().st_size for p in folder.iterdir()}
    result = CliRunner().invoke(cli, ["compare", *files, "-o", "out.json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["out.json"]
    assert {p: p.stat().st_size for p in folder.iterdir()} == before_corpus
    rows = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["rows"]
    errors = {Path(r["file"]).name: r["error"] for r in rows if r["error"]}
    assert set(errors) == {n for n, p in expected.items() if p != "DIGEST"}
    assert f"{len(errors)} of {len(files)} files could not be read:" in result.output
    # the good note after the hostile ones is read whole: its total is the plain note's own
    from support import payload_of

    total = payload_of(notes["plain"])["results"]["totals"]["gwp"]["value"]
    assert rows[-1]["error"] is None and rows[-1]["gwp_kgco2e"] == pytest.approx(total)


def test_strict_stops_at_the_first_unreadable_file(corpus, notes, tmp_path):
    folder, _ = corpus
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, ["compare", str(notes["plain"]), str(folder / "deep.json"), "-o", str(out), "--strict"]
    )
    assert result.exit_code == 2
    assert "ses données sont imbriquées sur 100000 niveaux, plus que 64" in result.output
    assert not out.exists()


def test_two_processes_give_the_same_rows_in_the_same_order(corpus, notes):
    """Every hostile file of the corpus and the honest notes, read by one process then two."""
    folder, _ = corpus
    files = [notes["plain"], *sorted(folder.iterdir()), notes["users"], notes["bent"]]
    one = compare_files(files, jobs=1)
    two = compare_files(files, jobs=2)
    assert [row.as_dict() for row in two] == [row.as_dict() for row in one]
    assert [row.flags for row in two] == [row.flags for row in one]
    assert sum(row.error is not None for row in one) > 10


def test_two_processes_word_the_errors_in_the_language_asked(corpus, notes):
    """The workers word an unreadable file's error as the main process does, in ``lang``."""
    folder, _ = corpus
    files = [notes["plain"], *sorted(folder.iterdir())]
    french = [row.error for row in compare_files(files, jobs=2)]
    english = [row.error for row in compare_files(files, jobs=2, lang="en")]
    assert english == [row.error for row in compare_files(files, jobs=1, lang="en")]
    worded = [(fr, en) for fr, en in zip(french, english, strict=True) if fr is not None]
    assert len(worded) > 10
    assert all(fr != en for fr, en in worded)


def test_strict_with_two_processes_raises_the_first_unreadable_file(corpus, notes):
    folder, _ = corpus
    files = [notes["plain"], folder / "deep.json", notes["users"], folder / "garbage.bin"]
    with pytest.raises(UnreadableFile, match="nested 100000 levels deep"):
        compare_files(files, strict=True, jobs=2)


def test_automatic_jobs_reads_a_small_batch_in_one_process():
    from ecodigital.review.compare import MAX_AUTO_JOBS, MIN_PARALLEL_FILES, automatic_jobs

    assert automatic_jobs(MIN_PARALLEL_FILES - 1) == 1
    assert 1 <= automatic_jobs(MIN_PARALLEL_FILES) <= MAX_AUTO_JOBS


@pytest.fixture(scope="module")
def injected_rows(notes, tmp_path_factory):
    folder = tmp_path_factory.mktemp("injected")
    payload = _payload(notes)
    paths = []
    for index, text in enumerate(INJECTIONS):
        path = folder / f"{index}.json"
        path.write_text(json.dumps(_renamed(payload, text)), encoding="utf-8")
        paths.append(path)
    return compare_files(paths)


def test_injected_names_are_inert_in_html(injected_rows):
    html = render_html(injected_rows, "en")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 0
    assert "default-src 'none'" in html
    assert "\x1b" not in html


def test_injected_names_are_inert_in_csv(injected_rows):
    import csv

    rows = list(csv.reader(io.StringIO(render_csv(injected_rows).lstrip("\ufeff"))))
    project = rows[0].index("project")
    cells = [row[project] for row in rows[1:]]
    assert cells[0] == "<script>alert(1)</script>"
    # Tabs are folded into spaces before any output, so "\tTAB" becomes " TAB".
    assert cells[1:6] == [
        "'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", " TAB",
    ]  # fmt: skip
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for c in row)


def test_injected_names_are_inert_in_xlsx(injected_rows):
    data = render_xlsx(injected_rows, "en")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert "=HYPERLINK(&quot;http://x&quot;)" in strings or '=HYPERLINK("http://x")' in strings
    assert "@SUM(1+1)" in strings


def test_terminal_table_has_no_control_characters(injected_rows):
    table = render_table(injected_rows, "en")
    assert "\x1b" not in table
    assert "\ufffd[31mred" in table


def test_a_follow_up_report_is_named_as_such_with_the_command_that_checks_it(notes, tmp_path):
    """``compare`` ranks forecast notes; a follow-up report given to it is one unread file
    whose error says what it is and that ``verify`` checks it, in French then English."""
    actuals = tmp_path / "suivi.yaml"
    actuals.write_text(
        "format: ecodigital-suivi/1\nyears:\n  - year: 2026\n"
        "    users: {count: 500, method: accounts}\n",
        encoding="utf-8",
    )
    report = tmp_path / "suivi.html"
    runner = CliRunner(env={"ECODIGITAL_LANG": None})
    made = runner.invoke(cli, ["suivi", str(notes["users"]), str(actuals), "-o", str(report)])
    assert made.exit_code == 0, made.output
    rows = compare_files([notes["plain"], report])
    assert rows[0].error is None
    assert rows[1].error is not None
    assert "est un rapport de suivi" in rows[1].error
    assert "« ecodigital verify »" in rows[1].error
    table = render_table(rows)
    assert "\nFichiers non lus (1) :\n" in table
    english = compare_files([notes["plain"], report], lang="en")
    assert "is a follow-up report" in (english[1].error or "")
    assert "\nFiles not read (1):\n" in render_table(english, "en")
