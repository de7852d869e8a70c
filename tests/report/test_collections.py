"""The note's work runs with fewer passes of Python's cycle collector, then puts it back."""

from __future__ import annotations

import gc

import pytest

from ecodigital.report.build import fewer_collections


def test_fewer_collections_within_and_the_collector_as_it_was_after() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    kept = [[] for _ in range(10)]  # alive on entry: frozen, never walked again within
    with fewer_collections(every=40_000):
        assert gc.get_threshold() == (40_000, *before[1:])
        assert gc.get_freeze_count() >= frozen + len(kept)
        collections = gc.get_stats()[0]["collections"]
        garbage = [[] for _ in range(20_000)]  # half the threshold: no pass of the youngest
        assert gc.get_stats()[0]["collections"] == collections
        del garbage
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_the_collector_is_put_back_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError), fewer_collections():
        raise ValueError("a failed render")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
