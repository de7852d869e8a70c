"""Shared fixtures of the note tests: the example dossier and a hostile one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
TODAY = dt.date(2026, 3, 2)

#: Text that must come out as text in every format.
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% raw %} \\textbf{x} *_[]()# & | `tick`"


@pytest.fixture(scope="session")
def example() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def prepared():
    from support import note_of

    return note_of(EXAMPLE, lang="fr", today=TODAY)


@pytest.fixture(scope="session")
def hostile_dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a hostile project name, description, justification and lever."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "dossier.yaml"
    shutil.copy(EXAMPLE, path)
    shutil.copytree(EXAMPLE.parent / "measures", folder / "measures")
    text = path.read_text(encoding="utf-8")
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace('name: "Guichet numérique mutualisé du Haut-Doubs"', f'name: "{quoted}"', 1)
    text = text.replace(
        "{status: conforme, justification: \"Étude d'opportunité",
        f"{{status: conforme, justification: \"{quoted} Étude d'opportunité",
    )
    text = text.replace('- title: "Allonger la vie des postes des agents"', f'- title: "{quoted}"')
    path.write_text(text, encoding="utf-8")
    return path
