"""The language detector the CLI language tests rely on, checked on known sentences."""

from __future__ import annotations

import pytest
from language import ENGLISH_WORDS, FRENCH_WORDS, english_lines, french_lines, words_of

ENGLISH = [
    "Error: dossier.yaml:31: inventory[0].kind: is not a known kind. Fix: run the list",
    "Show this message and exit.",
    "Missing argument 'DOSSIER'.",
    "Try 'ecodigital validate --help' for help.",  # "for"
    "  --force  Replace the output file if it exists.",
    "Check a dossier and say what is wrong, or OK with counts.",
    "OK: d.yaml: 11 items (2 laptop, 1 server; 12,101 units), horizon 5 years from 2026",
    "must be at least 0, got -1",
    "it doesn't take a value",
    "interrupted: the run was stopped",
]
FRENCH = [
    "Erreur : dossier.yaml:31: inventory[0].kind : « latop » n'est pas un type connu.",
    "Affiche cette aide et s'arrête.",
    "Il manque l'argument 'DOSSIER'.",
    "Voir « ecodigital validate --help » pour l'aide.",
    "  --force  Remplace le fichier de sortie s'il existe.",
    "Vérifie un dossier et dit ce qui ne va pas, ou OK avec ses comptes.",
    "doit être au moins 0, reçu -1",
    "OK : d.yaml : 11 éléments (2 ordinateurs portables), horizon de 5 ans à partir de 2026",
]
#: Neither language's function words: no verdict either way.
NEUTRAL = [
    "",
    "Options :",
    "  ecodigital note dossier.yaml -o note.pdf --lang en",
    "Utilisation : ecodigital validate [OPTIONS] DOSSIER",
    "Usage: ecodigital validate [OPTIONS] DOSSIER",
    "  --format [table|json|csv]",
    "kgCO2e  P5 – P95",
]


@pytest.mark.parametrize("line", ENGLISH)
def test_english_sentences_are_english(line: str) -> None:
    assert english_lines(line) == [line]
    assert french_lines(line) == []


@pytest.mark.parametrize("line", FRENCH)
def test_french_sentences_are_french(line: str) -> None:
    assert french_lines(line) == [line]
    assert english_lines(line) == []


@pytest.mark.parametrize("line", NEUTRAL)
def test_code_and_words_of_both_languages_are_neither(line: str) -> None:
    assert english_lines(line) == [] and french_lines(line) == []


def test_quoted_values_and_code_are_not_read_as_prose() -> None:
    # a French value quoted in an English message, and an English option in a French one
    assert words_of('"ordinateur portable" is not a known kind') == (2, 0)
    assert words_of("« the laptop » : retirez --with-the-option") == (0, 1)
    assert words_of("inventory[0].allocation: path/to/the_file.csv") == (0, 0)


def test_the_word_lists_share_no_word() -> None:
    assert ENGLISH_WORDS.isdisjoint(FRENCH_WORDS)


def test_a_mixed_text_is_reported_line_by_line() -> None:
    text = "Erreur : le fichier manque\nFix: give the file\n"
    assert english_lines(text) == ["Fix: give the file"]
    assert french_lines(text) == ["Erreur : le fichier manque"]
