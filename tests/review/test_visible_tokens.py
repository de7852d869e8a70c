"""How the visible text of a note is cut into figures."""

from __future__ import annotations

from ecodigital.review.visible import figure_tokens

DIGEST = "0104aeb4e878c00a2e34a6e3d6dd9d7b6811d3a81680019c946e33d131e88749"


def _texts(text: str) -> list[str]:
    return [token.text for token in figure_tokens([("Section", text)])]


def test_a_digest_is_one_figure_compared_whole() -> None:
    # Read as numbers, this digest's hex digits would give 17 fragments ("0104aeb",
    # "4e", "878c", ...), and another digest another count: a note's figure count
    # would hang on its digest. Whole, it is one figure, and any edit to it shows.
    assert _texts(f"SHA-256 : {DIGEST}") == ["-256 :", DIGEST]
    edited = DIGEST[:-1] + "0"
    assert _texts(f"SHA-256 : {edited}") != _texts(f"SHA-256 : {DIGEST}")


def test_numbers_keep_their_unit_and_thousands() -> None:
    assert _texts("Total : 12 345,6 kgCO2e sur 5 ans") == ["12 345,6 kgCO2e", "5 ans"]
    # A short hex word is not a digest: its digits are read as a number.
    assert _texts("abc123 et 5 ans") == ["123 et", "5 ans"]
