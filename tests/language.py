"""Which language a line of output is written in: a small detector, by function words.

Each language has words that the other never writes: "the", "is", "with",
"must" in English; "le", "est", "avec", "doit" and the elisions ``l'``,
``d'``, ``n'`` in French. A line counts the words of each list it holds,
once code is taken out of it: command lines of examples, paths and file
names, field paths (``inventory[0].kind``), options (``--lang``), values in
quotes (the user's own words, in any language), upper-case metavars
(``DOSSIER``) and hyphenated identifiers (``user-year``). A line is English
when it holds English words and fewer French ones (and the reverse), so a
French sentence that names an English option stays French.

``tests/i18n/test_language_detector.py`` checks the detector on known
sentences of both languages before the CLI tests rely on it.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ENGLISH_WORDS", "FRENCH_WORDS", "english_lines", "french_lines", "words_of"]

#: English words French never writes (no "a", "on", "en", "file", "plus", "type"...).
ENGLISH_WORDS: Final = frozenset(
    """
    the is are was were be been being of to and with for from this that these those it its
    not by at an which when what who whose must should can cannot will would could may has
    have had give gives given use uses used only every each than into your you or if then
    there their they does do did no yes missing
    error warning invalid found expected got unknown allowed write writes written run runs
    see shows files folder folders number value values line lines row rows column columns
    more less one two all any some per how why where here unless without about after before
    between over under too again also already still instead however such other another
    same both either neither must need needs needed nothing something anything everything
    because while during until within whether our we us my his her them him she he
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
#: French words English never writes (no "a", "on", "as", "date", "note", "dossier"...).
FRENCH_WORDS: Final = frozenset(
    """
    le la les de des du un une à est et ou pas avec pour dans sur ce cette ces sont doit être
    qui que au aux son sa ses leur leurs votre vos vous il elle ils elles ne nous selon
    chaque aucun aucune déjà été très où mais sans par fichier fichiers ligne lignes colonne
    colonnes valeur valeurs manque manquent erreur avertissement entre lorsque quand comme
    puis donc ainsi aussi nombre donnée données peut peuvent doivent faut ni encore dont
    même tous toutes tout toute autre autres ici voir écrivez donnez ajoutez choisissez
    vérifiez utilisez corrigez lancez retirez indiquez
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
_ELISION: Final = re.compile(r"(?<![\w’'])(?:l|d|n|qu|c|s|j|m|jusqu|lorsqu|puisqu)['’](?=\w)", re.I)
_CONTRACTION: Final = re.compile(r"\w(?:n['’]t|['’](?:re|ve|ll|d|m))\b", re.I)
_QUOTED: Final = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|'[^'\s][^']*'(?!\w)|`[^`]*`")
_WORD: Final = re.compile(r"[^\W\d_]+", re.UNICODE)


def _without_code(line: str) -> str:
    stripped = line.strip()
    # an example's command line: only its comment is prose
    if stripped.startswith(("ecodigital ", "$ ", "python ")):
        _, _, comment = stripped.partition("#")
        return _without_code(comment)
    text = _QUOTED.sub(" ", line)
    kept = []
    for chunk in text.split():
        core = chunk.strip(".,;:!?()[]{}")
        if not core:
            continue
        if re.search(r"[_/\\=<>$@#{}\[\]|*]|^-|\w[.:]\w|\d", core):
            continue  # paths, fields, options, variables, numbers
        if core.isupper() and len(core) > 1:
            continue  # metavars and acronyms (DOSSIER, RGESN, PDF)
        if "-" in core:
            continue  # identifiers (user-year, mon-projet)
        kept.append(chunk)
    return " ".join(kept)


def words_of(line: str) -> tuple[int, int]:
    """``(English words, French words)`` of one line, code left out."""
    prose = _without_code(line)
    french = len(_ELISION.findall(prose))
    english = len(_CONTRACTION.findall(prose))
    prose = _ELISION.sub(" ", prose)
    for word in _WORD.findall(prose.lower()):
        english += word in ENGLISH_WORDS
        french += word in FRENCH_WORDS
    return english, french


def english_lines(text: str) -> list[str]:
    """The lines of ``text`` written in English (in output that should be French)."""
    found = []
    for line in text.splitlines():
        english, french = words_of(line)
        if english and english > french:
            found.append(line)
    return found


def french_lines(text: str) -> list[str]:
    """The lines of ``text`` written in French (in output that should be English)."""
    found = []
    for line in text.splitlines():
        english, french = words_of(line)
        if french and french > english:
            found.append(line)
    return found
