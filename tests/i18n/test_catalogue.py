"""The two catalogues say the same things: same keys, same placeholders, same plural forms."""

from __future__ import annotations

import pytest

from ecodigital.i18n import Msg, catalogue, placeholders, resolve_lang, text


def test_both_catalogues_have_the_same_keys() -> None:
    fr, en = catalogue("fr"), catalogue("en")
    assert sorted(set(fr) - set(en)) == []
    assert sorted(set(en) - set(fr)) == []


def test_every_entry_has_the_same_placeholders_in_both_languages() -> None:
    fr, en = catalogue("fr"), catalogue("en")
    different = {
        key: (sorted(placeholders(fr.raw(key))), sorted(placeholders(en.raw(key))))
        for key in fr
        if placeholders(fr.raw(key)) != placeholders(en.raw(key))
    }
    assert different == {}


def test_plural_follows_each_language_rule() -> None:
    # French takes the singular for 0 and 1, English only for 1.
    assert text("label.and_more", "fr", n=0) == "et 0 autre"
    assert text("label.and_more", "fr", n=1) == "et 1 autre"
    assert text("label.and_more", "fr", n=2) == "et 2 autres"
    assert text("label.and_more", "en", n=0) == "and 0 more"
    assert text("label.and_more", "en", n=1) == "and 1 more"


def test_float_parameters_follow_the_language_number_style() -> None:
    sentence = Msg("warning.DEFAULT_PUE", {"pue": 1.46, "factor": "datacenter-pue-fra"})
    assert "1,46" in sentence.render("fr")
    assert "1.46" in sentence.render("en")


def test_unknown_key_is_a_bug_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError):
        text("label.no-such-key", "fr")


def test_language_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ECODIGITAL_LANG", raising=False)
    assert resolve_lang(None) == "fr"
    monkeypatch.setenv("ECODIGITAL_LANG", "en")
    assert resolve_lang(None) == "en"
    assert resolve_lang("fr") == "fr"


def test_the_catalogue_cache_follows_the_yaml(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parsed tree is cached beside the bytecode; an edited catalogue is read again."""
    import sys

    from ecodigital.i18n.catalogue import _read_tree

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "fr.yaml"
    path.write_text("a: un\n", encoding="utf-8")
    assert _read_tree(path) == {"a": "un"}
    [cached] = (tmp_path / "__pycache__").glob("fr.catalogue-*.json")
    assert _read_tree(path) == {"a": "un"}  # from the cache
    path.write_text("a: deux\n", encoding="utf-8")
    assert _read_tree(path) == {"a": "deux"}
    assert not cached.exists()  # the stale cache is replaced
    [second] = (tmp_path / "__pycache__").glob("fr.catalogue-*.json")
    # PYTHONDONTWRITEBYTECODE: read, never written
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path.write_text("a: trois\n", encoding="utf-8")
    assert _read_tree(path) == {"a": "trois"}
    assert list((tmp_path / "__pycache__").glob("fr.catalogue-*.json")) == [second]
