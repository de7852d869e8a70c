"""A user template cannot make the PDF renderer fetch a URL, read a local file or embed one."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from ecodigital.cli import cli
from ecodigital.report.payload import PDF_ATTACHMENT
from ecodigital.report.pdf import url_allowed

from .corpus import write_dossier


def test_only_data_uris_and_bundled_files_are_fetched() -> None:
    from ecodigital.resources import data_dir

    bundled = (data_dir("templates") / "note" / "note.css").resolve()
    assert url_allowed("data:text/plain,x")
    assert url_allowed(bundled.as_uri())
    assert not url_allowed("file:///etc/hostname")
    assert not url_allowed(bundled.as_uri().replace("note.css", "../../../../etc/hostname"))
    assert not url_allowed("http://127.0.0.1:9/x.png")
    assert not url_allowed("https://example.org/x.css")
    assert not url_allowed("ftp://127.0.0.1/x")


@pytest.mark.slow
def test_a_hostile_template_embeds_nothing_and_fetches_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT-7f3a", encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0)
    port = listener.getsockname()[1]
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "note.html.j2").write_text(
        f'<html><head><link rel="attachment" href="{secret.as_uri()}">'
        '<link rel="attachment" href="data:text/plain,leak">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"></head>'
        f'<body><p>{{{{ meta.project }}}}</p><img src="{secret.as_uri()}">'
        '<a rel="attachment" href="data:text/plain,x">x</a>'
        f'<a rel="attachment" href="{secret.as_uri()}">y</a></body></html>',
        encoding="utf-8",
    )
    dossier = write_dossier(tmp_path)
    out = tmp_path / "n.pdf"
    result = CliRunner().invoke(
        cli,
        ["note", str(dossier), "-o", str(out), "--deterministic", "--template-dir",
         str(tmp_path / "tpl")],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(out)
    assert list(reader.attachments) == [PDF_ATTACHMENT]
    assert b"SECRET-CONTENT-7f3a" not in out.read_bytes()
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    listener.close()
