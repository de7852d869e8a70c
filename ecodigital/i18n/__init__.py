"""Everything a person reads, in French (the default) and English: one catalogue per language.

The words live in data files, ``fr.yaml`` and ``en.yaml`` beside this module,
as a tree of keys (``label.terminals``, ``warning.DEFAULT_PUE``,
``note.summary_lead``, ``finance.rule.vat``...). Code names a key and gives
its parameters; the catalogue of the language chosen gives the sentence:

>>> text("label.terminals", "fr")
'Terminaux'
>>> text("label.and_more", "en", n=3)
'and 3 more'

Codes and field names stay in English everywhere (they are a contract);
only what a person reads is looked up here. A test checks that both
catalogues have the same keys and, for each key, the same placeholders.

An entry written ``{one: ..., other: ...}`` is a plural: the form is chosen
by the parameter ``n`` with each language's rule (in French 0 and 1 take the
singular, in English only 1 does). A ``float`` parameter is shown with three
significant figures in the language's style, a list is joined with commas;
anything else is shown as it is, so callers format amounts, dates and counts
with :mod:`ecodigital.i18n.format` first.
"""

from ecodigital.i18n.catalogue import (
    DEFAULT_LANG,
    LANG_VARIABLE,
    LANGUAGES,
    Catalogue,
    Count,
    Msg,
    and_more,
    catalogue,
    label,
    placeholders,
    plural_form,
    resolve_lang,
    text,
    warning_codes,
    warning_text,
)

__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "LANG_VARIABLE",
    "Catalogue",
    "Count",
    "Msg",
    "and_more",
    "catalogue",
    "label",
    "placeholders",
    "plural_form",
    "resolve_lang",
    "text",
    "warning_codes",
    "warning_text",
]
