"""RGESN 2024 criteria metadata and the weighted progress score."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecodigital.rgesn import FAMILIES, load_criteria, score_answers
from ecodigital.rgesn.criteria import STATUSES


def test_the_78_criteria_and_their_families_and_priorities():
    criteria = load_criteria()
    assert len(criteria) == 78
    assert len({c.id for c in criteria}) == 78
    families = Counter(c.family for c in criteria)
    assert [families[f] for f in FAMILIES] == [10, 10, 7, 15, 8, 7, 4, 10, 7]
    priorities = Counter(c.priority for c in criteria)
    assert priorities == {"Prioritaire": 30, "Recommandé": 29, "Modéré": 19}
    weights = {"Prioritaire": 1.5, "Recommandé": 1.25, "Modéré": 1.0}
    assert all(c.weight == weights[c.priority] for c in criteria)
    assert all(c.label_fr and c.label_en and not c.label_fr.endswith("?") for c in criteria)


def test_score_of_the_example_by_hand():
    # validated: 6 priority (1.5) + 5 recommended (1.25) + 1 moderate (1.0) = 16.25
    # not validated: 5 priority + 1 recommended = 8.75; N/A and "to assess" left out
    statuses = {
        "conforme": ["1.1", "1.2", "1.9", "4.1", "4.2", "8.1", "1.3", "1.6", "1.8", "2.3", "8.6",
                     "1.7"],
        "non_conforme": ["1.4", "1.5", "2.2", "2.7", "8.3", "6.1"],
        "non_applicable": ["1.10", "5.3", "9.1"],
        "a_evaluer": ["2.1", "8.9"],
    }  # fmt: skip
    answers = {cid: {"status": status} for status, ids in statuses.items() for cid in ids}
    result = score_answers(answers)
    assert result.score == pytest.approx(16.25 / 25 * 100)
    assert result.overall.counts == {
        "conforme": 12, "non_conforme": 6, "non_applicable": 3, "a_evaluer": 2, "unanswered": 55,
    }  # fmt: skip


def test_no_validated_or_not_validated_criterion_means_no_score():
    assert score_answers({}).score is None
    assert score_answers({"1.1": {"status": "non_applicable"}}).score is None


ids = [c.id for c in load_criteria()]


@given(st.dictionaries(st.sampled_from(ids), st.sampled_from(STATUSES)))
def test_score_is_a_percentage_and_ignores_not_applicable(statuses):
    answers = {k: {"status": v} for k, v in statuses.items()}
    score = score_answers(answers).score
    assert score is None or 0 <= score <= 100
    without_na = {k: v for k, v in answers.items() if v["status"] != "non_applicable"}
    assert score_answers(without_na).score == score
