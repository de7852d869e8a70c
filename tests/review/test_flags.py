"""Flags: golden values computed by hand."""

from __future__ import annotations

import math

import pytest

from ecodigital.review.flags import (
    Reference,
    allocation_zero,
    dataset_outdated,
    lifetime_far,
    robust_z_scores,
    tier_missing,
)
from ecodigital.review.report import neutralise_cell

REFERENCE = Reference("ecodigital-reference-factors", "2026.1", {"laptop": {"lifetime_years": 5.0}})


def test_robust_z_scores_by_hand():
    # logs 0, 0, 0, ln 2, ln 4, ln 100; median ln(2)/2; MAD ln(2)/2; sigma 1.4826 x MAD.
    scores = robust_z_scores([1, 1, 1, 2, 4, 100])
    half = math.log(2) / 2
    assert scores[0] == pytest.approx(-half / (1.4826 * half))
    assert scores[5] == pytest.approx((math.log(100) - half) / (1.4826 * half))
    assert abs(scores[5]) > 3.5 > abs(scores[4])


def test_robust_z_scores_need_five_values_and_spread():
    assert robust_z_scores([1, 2, 3, 100]) == [None] * 4
    assert robust_z_scores([2, 2, 2, 2, 2, 50]) == [None] * 6  # MAD 0
    assert robust_z_scores([1, 2, None, 0, 3, 4, 5])[2:4] == [None, None]


def test_lifetime_far_at_twice_the_reference():
    items = {"inventory": [
        {"id": "a", "kind": "laptop", "lifetime_years": 10},
        {"id": "b", "kind": "laptop", "lifetime_years": 10.5},
        {"id": "c", "kind": "laptop", "lifetime_years": 2.4},
        {"id": "d", "kind": "laptop"},
    ]}  # fmt: skip
    flag = lifetime_far(items, dict.fromkeys("abcd", "laptop"), REFERENCE)
    assert flag is not None
    assert flag.details == ("b: 10.5 y vs 5 y", "c: 2.4 y vs 5 y")


def test_allocation_zero_and_tier_missing():
    flag = allocation_zero({"inventory": [{"id": "x", "allocation": 0}, {"id": "y"}]})
    assert flag is not None and flag.details == ("x",)
    from ecodigital.assessment.results import Figure

    by_tier = {
        "terminals": {"gwp": Figure(3.0, "kgCO2e")},
        "network": {"gwp": Figure(0.0, "kgCO2e")},
    }
    flag = tier_missing(by_tier)
    assert flag is not None and flag.details == ("network",)


def test_dataset_outdated():
    def payload(name: str, version: str) -> dict:
        return {"factors_dataset": {"name": name, "version": version}}

    assert dataset_outdated(payload("ecodigital-reference-factors", "2026.1"), REFERENCE) is None
    assert dataset_outdated(payload("ecodigital-reference-factors", "2027.1"), REFERENCE) is None
    old = dataset_outdated(payload("ecodigital-reference-factors", "2025.10"), REFERENCE)
    assert old is not None and old.details == ("2025.10 < 2026.1",)
    assert dataset_outdated(payload("other", "9"), REFERENCE) is not None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=1", "a=1"), (-1.5, -1.5), (None, None)],
)  # fmt: skip
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_rgesn_few_answers_below_half_of_the_applicable_criteria():
    from ecodigital.assessment.results import Rgesn
    from ecodigital.review.flags import rgesn_few_answers

    # 6 answers of 78 applicable criteria: coverage 6/78 = 7.7 %, under one half
    few = rgesn_few_answers(Rgesn("RGESN 2024", 79.0, 6, 78, 6 / 78, {}, {}))
    assert few is not None and few.code == "RGESN_FEW_ANSWERS"
    assert few.details == ("6/78",)
    assert few.params["coverage"] == pytest.approx(0.0769, abs=1e-4)
    # 39 of 78 is exactly one half: enough; no RGESN section at all: nothing to flag
    assert rgesn_few_answers(Rgesn("RGESN 2024", 65.0, 39, 78, 0.5, {}, {})) is None
    assert rgesn_few_answers(None) is None
