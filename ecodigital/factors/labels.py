"""The label of a factor row in the reader's language.

The bundled rows have a label in each catalogue (``factor_label.<id>``); a
row of the user's own factor file keeps the label it was given, also when it
replaces a bundled row of the same id.
"""

from __future__ import annotations

from ecodigital.i18n import catalogue

__all__ = ["factor_label"]


def factor_label(factor_id: str, own_label: object, lang: str, *, user: bool = False) -> str:
    """The row's label in ``lang``: the catalogue's for a bundled row, else the row's own."""
    entries = catalogue(lang)
    key = f"factor_label.{factor_id}"
    if key in entries and not user:
        return entries.text(key)
    return str(own_label) if own_label is not None and str(own_label) != "nan" else factor_id
