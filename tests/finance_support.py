"""Shared helpers for the financing-check tests: small dossiers written to tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
OTHER_CALL = Path(__file__).parent / "finance" / "data" / "other-call.yaml"

#: The project part of a test dossier (lines 1-11).
HEAD = """\
format: ecodigital/1
project:
  name: "Portail test"
  beneficiary: {name: "CC Test", type: epci}
  start_year: 2026
  duration_years: 2
  horizon_years: 2
  users_per_year: [100, 200]
  institutions: 3
inventory:
  - {id: laptops, kind: laptop, quantity: 2}
"""

#: An applicant section that passes every rule of the default call.
APPLICANT = """\
applicant:
  gender_equality: "Comité de pilotage paritaire."
  non_discrimination: "Service conforme au RGAA 4.1."
  sustainable_development: "Écoconception suivie avec le RGESN."
  personal_data: {dpo: true, dpia: done, hosting_location: FR, description: "Minimisation."}
  licence: EUPL-1.2
  open_standards: [OpenAPI 3.1]
"""


def dossier_text(budget: str, applicant: str = APPLICANT) -> str:
    """A whole dossier: the fixed head, then ``budget`` and ``applicant`` (YAML text)."""
    return HEAD + textwrap.dedent(budget).strip("\n") + "\n" + applicant


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


@pytest.fixture
def write_dossier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Write a dossier text as ``d.yaml`` in a fresh folder (and work there)."""
    monkeypatch.chdir(tmp_path)

    def write(text: str) -> Path:
        path = Path("d.yaml")
        path.write_text(text, encoding="utf-8")
        return path

    return write
