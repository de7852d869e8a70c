"""The engine's sums against an independent reference, on a generated 10,000-row inventory.

``summarize`` folds the group keys into one flat code and sums with
``np.bincount``; the reference here is written separately with a plain pandas
group-by over the same long table (known rows summed, unknown rows counted),
so a change to the fast path that moves any figure by more than 1e-12
(relative) fails. The ``Results`` of the whole pipeline are checked against
the same reference: totals, tier x phase and year x tier breakdowns, and every
item's value.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecodigital.assessment import Options, run
from ecodigital.assessment.point import assess_loaded
from ecodigital.dossier.load import load_dossier
from ecodigital.engine.aggregate import summarize
from ecodigital.factors.database import load_factors

ROWS = 10_000
RELATIVE = 1e-12
# kinds with the columns they need; several leave some criteria unknown (NaN rows)
TEMPLATES = (
    ("laptop", "{q},{a},,7,220,,,,,,"),
    ("smartphone", "{q},{a},,,,,,,,,"),
    ("server", "{q},{a},,,,,,,,,"),
    ("cloud_instance", "{q},{a},,,,4,16,,,,"),
    ("storage", "{q},{a},,,,,,2,3,hdd,"),
    ("network", "{q},{a},,,,,,,,,1000"),
    ("monitor", "{q},{a},6,,,,,,,,"),
)
HEADER = (
    "id,kind,quantity,allocation,lifetime_years,hours_per_day,days_per_year,"
    "vcpu,memory_gb,capacity_tb,replicas,media,gb_per_year"
)


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inventory")
    rng = random.Random(17)
    lines = [HEADER]
    for i in range(ROWS):
        kind, template = TEMPLATES[rng.randrange(len(TEMPLATES))]
        q, a = rng.randint(1, 50), round(rng.uniform(0.01, 1), 3)
        lines.append(f"item-{i},{kind}," + template.format(q=q, a=a))
    (folder / "inventory.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "dossier.yaml"
    path.write_text(
        "format: ecodigital/1\n"
        "project:\n"
        "  name: Equivalence\n"
        "  beneficiary: {name: Test, type: region}\n"
        "  start_year: 2026\n"
        "  duration_years: 3\n"
        "  horizon_years: 5\n"
        "  users_per_year: [1000, 2000, 3000, 4000, 5000]\n"
        "inventory: {csv: inventory.csv}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def rows(dossier: Path) -> pd.DataFrame:
    return assess_loaded(load_dossier(dossier), load_factors(None)).rows


def reference(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Known sum, known and unknown row counts per group, by pandas alone."""
    keys = [*by, "criterion"]
    frame = pd.DataFrame({k: rows[k].astype(str) if k != "year" else rows[k] for k in keys})
    frame["known"] = rows["value"].notna().to_numpy()
    frame["value"] = rows["value"].where(frame["known"], 0.0)
    grouped = frame.groupby(keys, sort=True).agg(
        value=("value", "sum"), known_rows=("known", "sum"), all_rows=("known", "size")
    )
    grouped["unknown_rows"] = grouped["all_rows"] - grouped["known_rows"]
    return grouped


def close(a: float | None, b: float) -> bool:
    if a is None:
        return False
    return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=0.0) or a == b


def test_the_inventory_has_unknown_rows(rows: pd.DataFrame) -> None:
    # otherwise the unknown-row branch of the fast path would go untested
    unknown = int(rows["value"].isna().sum())
    assert 0 < unknown < len(rows)
    assert rows["item"].nunique() == ROWS


@pytest.mark.parametrize("by", [["tier", "phase", "year", "quality"], ["item", "quality"], []])
def test_summarize_matches_a_plain_group_by(rows: pd.DataFrame, by: list[str]) -> None:
    fast = summarize(rows, by)
    keys = [*by, "criterion"]
    want = reference(rows, by)
    assert len(fast) == len(want)
    fast_index = pd.MultiIndex.from_frame(
        pd.DataFrame({k: fast[k].astype(str) if k != "year" else fast[k] for k in keys})
    )
    got = fast.set_index(fast_index).reindex(want.index)
    np.testing.assert_array_equal(got["known_rows"].to_numpy(), want["known_rows"].to_numpy())
    np.testing.assert_array_equal(got["unknown_rows"].to_numpy(), want["unknown_rows"].to_numpy())
    has = want["known_rows"].to_numpy() > 0
    # a group with no known row is not available (NaN), never zero
    assert got["value"].to_numpy()[~has].tolist() == [] or np.isnan(got["value"][~has]).all()
    np.testing.assert_allclose(
        got["value"].to_numpy()[has], want["value"].to_numpy()[has], rtol=RELATIVE, atol=0.0
    )
    assert (got["complete"].to_numpy() == (want["unknown_rows"].to_numpy() == 0)).all()


def test_results_match_the_reference(dossier: Path, rows: pd.DataFrame) -> None:
    results = run(dossier, Options(deterministic=True, scenarios=False, finance=False))

    totals = reference(rows, [])
    for criterion, figure in results.totals.items():
        line = totals.loc[criterion]
        assert figure.unknown == int(line["unknown_rows"]), criterion
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), criterion
        else:
            assert figure.value is None, criterion

    tier_phase = reference(rows, ["tier", "phase"])
    for (tier, phase, criterion), line in tier_phase.iterrows():
        figure = results.by_tier_phase[tier][phase][criterion]
        assert figure.unknown == int(line["unknown_rows"]), (tier, phase, criterion)
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), (tier, phase, criterion)

    year_tier = reference(rows, ["year", "tier"])
    for (year, tier, criterion), line in year_tier.iterrows():
        figure = results.by_year_tier[str(2025 + year)][tier][criterion]  # year 1 is 2026
        if line["known_rows"]:
            assert close(figure.value, float(line["value"])), (year, tier, criterion)

    per_item = reference(rows, ["item"])
    position = {item: i for i, item in enumerate(results.items.ids)}
    checked = 0
    for (item, criterion), line in per_item.iterrows():
        value = results.items.columns[criterion].values[position[item]]
        if line["known_rows"]:
            assert close(value, float(line["value"])), (item, criterion)
            checked += 1
        else:
            assert value is None, (item, criterion)
    assert checked > ROWS  # every item has at least one known criterion, most several
