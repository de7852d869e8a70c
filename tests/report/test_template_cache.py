"""The bundled templates' code is kept beside them, as Python keeps a module's bytecode."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from ecodigital.errors import InputError
from ecodigital.report import templating
from ecodigital.report.templating import note_environment


@pytest.fixture()
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of templates taken for the bundled ones, their cache in ``tmp_path / "cache"``,
    and bytecode written as Python would."""
    root = tmp_path / "templates"
    folder = root / "note"
    (folder / "sections").mkdir(parents=True)
    (folder / "note.html.j2").write_text(
        "<p>{{ name }}</p>{% include 'sections/part.html.j2' %}", encoding="utf-8"
    )
    (folder / "sections" / "part.html.j2").write_text("<b>{{ name|upper }}</b>", encoding="utf-8")
    monkeypatch.setattr(templating, "_bundled_root", lambda: str(root.resolve()))
    monkeypatch.setattr(templating, "_cache_folder", lambda: tmp_path / "cache")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return folder


def _render(*folders: Path) -> str:
    return str(note_environment("html", folders).get_template("note.html.j2").render(name="a<"))


def _cached(folder: Path) -> list[Path]:
    return sorted((folder.parents[1] / "cache").glob("*.jinja"))


def test_the_code_is_read_back_and_renders_the_same(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _render(bundled) == "<p>a&lt;</p><b>A&lt;</b>"
    assert [p.name.rsplit("-", 1)[0] for p in _cached(bundled)] == [
        "template-note-note.html.j2",
        "template-note-sections-part.html.j2",
    ]

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached template was parsed again")

    monkeypatch.setattr("jinja2.environment.Environment._parse", no_parsing)
    assert _render(bundled) == "<p>a&lt;</p><b>A&lt;</b>"


def test_an_edited_template_is_compiled_again(bundled: Path) -> None:
    _render(bundled)
    before = _cached(bundled)
    (bundled / "sections" / "part.html.j2").write_text("<i>{{ name }}</i>", encoding="utf-8")
    assert _render(bundled) == "<p>a&lt;</p><i>a&lt;</i>"
    after = _cached(bundled)
    assert after[0] == before[0]  # note.html.j2 kept
    assert after[1] != before[1] and not before[1].exists()  # the stale code replaced


def test_a_broken_cache_is_compiled_again(bundled: Path) -> None:
    _render(bundled)
    for path in _cached(bundled):
        path.write_bytes(b"not marshal data")
    assert _render(bundled) == "<p>a&lt;</p><b>A&lt;</b>"


def test_nothing_written_without_bytecode_nor_for_a_user_folder(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user" / "sections"
    user.mkdir(parents=True)
    (user / "part.html.j2").write_text("<u>{{ name }}</u>", encoding="utf-8")
    assert _render(user.parent, bundled) == "<p>a&lt;</p><u>a&lt;</u>"
    assert [p.name.rsplit("-", 1)[0] for p in _cached(bundled)] == ["template-note-note.html.j2"]
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for path in _cached(bundled):
        path.unlink()
    _render(bundled)
    assert _cached(bundled) == []


def test_a_cycle_through_a_cached_template_is_refused(bundled: Path, tmp_path: Path) -> None:
    _render(bundled)  # the bundled templates' code and references now come from the cache
    user = tmp_path / "user" / "sections"
    user.mkdir(parents=True)
    (user / "part.html.j2").write_text("{% include 'note.html.j2' %}", encoding="utf-8")
    chain = "sections/part.html.j2 -> note.html.j2 -> sections/part.html.j2"
    with pytest.raises(InputError, match=re.escape(chain)):
        _render(user.parent, bundled)
