"""Hand-computed golden cases for the engine, to 1e-9 relative.

Each case uses a small factor table written here, so the expected figures can
be checked with a pocket calculator; the arithmetic is in the comments.
"""

from __future__ import annotations

import math

import pytest
from support import FRA_GRID, factor_frame, grid_frame, items_frame, value_of

from ecodigital.engine import compute_impacts

REL = 1e-9

FACTORS = factor_frame(
    [
        {
            "id": "laptop", "kind": "laptop", "basis": "device",
            "gwp_manufacturing_kgco2e": 170.0, "gwp_distribution_kgco2e": 12.3,
            "gwp_end_of_life_kgco2e": 2.8, "lifetime_years": 5.0, "power_w": 26.5,
            "hours_per_day": 3.0, "days_per_year": 365.0,
        },
        {
            "id": "server-medium", "kind": "server", "basis": "device",
            "gwp_manufacturing_kgco2e": 960.0, "lifetime_years": 4.0, "power_w": 536.0,
        },
        {
            "id": "cloud-vcpu-hour", "kind": "cloud_instance", "basis": "hour",
            "gwp_manufacturing_kgco2e": 1.0e-4, "power_w": 2.0,
        },
        {
            "id": "cloud-memory-gb-hour", "kind": "cloud_instance", "basis": "hour",
            "gwp_manufacturing_kgco2e": 2.0e-5, "power_w": 0.4,
        },
        {
            "id": "storage-ssd-tb-year", "kind": "storage", "basis": "tb_year",
            "gwp_manufacturing_kgco2e": 11.0, "power_w": 1.2,
        },
        {"id": "network-fixed-fra-gb", "kind": "network", "basis": "gb", "gwp_use_kgco2e": 0.0092693},
        {"id": "network-mobile-fra-gb", "kind": "network", "basis": "gb", "gwp_use_kgco2e": 0.024684},
        {"id": "datacenter-pue-fra", "kind": "datacenter", "basis": "pue", "pue": 1.46},
        {
            "id": "licence-saas", "kind": "custom", "basis": "year",
            "gwp_manufacturing_kgco2e": 3.0, "gwp_use_kgco2e": 0.5,
        },
    ]
)  # fmt: skip
GRID = grid_frame(FRA=FRA_GRID, DEU=0.381)


def run(items: list[dict[str, object]], horizon: int = 5):  # type: ignore[no-untyped-def]
    return compute_impacts(items_frame(items), FACTORS, GRID, horizon_years=horizon)


def test_laptop_fleet() -> None:
    # 40 laptops, a quarter of their time on the project, kept 5 years:
    #   manufacturing 40 x 0.25 x 170 / 5 = 340 kgCO2e a year
    #   distribution  40 x 0.25 x 12.3 / 5 = 24.6
    #   end of life   40 x 0.25 x 2.8 / 5 = 5.6
    #   use: 40 x 0.25 x 26.5 W x 7 h x 220 d / 1000 = 408.1 kWh; x 0.0519 = 21.18039
    result = run(
        [
            {
                "id": "fleet", "kind": "laptop", "quantity": 40, "allocation": 0.25,
                "lifetime_years": 5, "power_w": 26.5, "hours_per_day": 7, "days_per_year": 220,
            }
        ]
    )  # fmt: skip
    rows = result.rows
    gwp = {"criterion": "gwp", "year": 3}
    assert value_of(rows, phase="manufacturing", **gwp) == pytest.approx(340.0, rel=REL)
    assert value_of(rows, phase="distribution", **gwp) == pytest.approx(24.6, rel=REL)
    assert value_of(rows, phase="end_of_life", **gwp) == pytest.approx(5.6, rel=REL)
    assert value_of(rows, phase="use", **gwp) == pytest.approx(21.18039, rel=REL)
    # five active years of the same annual figures
    assert value_of(rows, criterion="gwp") == pytest.approx(
        5 * (340 + 24.6 + 5.6 + 21.18039), rel=REL
    )
    assert set(rows["quality"].astype(str)) == {"modelled"}
    # the source gives no adpe: unknown, never zero
    assert math.isnan(value_of(rows, criterion="adpe", phase="manufacturing", year=1))


def test_server_with_pue() -> None:
    # 2 servers at 536 W all year, PUE 1.5, kept 4 years:
    #   use: 2 x 536 W x 8760 h / 1000 x 1.5 = 14 086.08 kWh; x 0.0519 = 731.067552 kgCO2e
    #   manufacturing: 2 x 960 / 4 = 480 kgCO2e a year; distribution unknown (blank factor)
    result = run([{"id": "srv", "kind": "server", "quantity": 2, "pue": 1.5}])
    rows = result.rows
    assert value_of(rows, phase="use", criterion="gwp", year=1) == pytest.approx(
        731.067552, rel=REL
    )
    assert value_of(rows, phase="manufacturing", criterion="gwp", year=1) == pytest.approx(
        480.0, rel=REL
    )
    assert math.isnan(value_of(rows, phase="distribution", criterion="gwp", year=1))
    codes = {w.code for w in result.warnings}
    assert {"DEFAULT_LIFETIME", "DEFAULT_POWER", "DEFAULT_HOURS", "UNKNOWN_PHASE"} <= codes
    assert "DEFAULT_PUE" not in codes


def test_server_default_pue_from_factor_row() -> None:
    # no pue given: 1.46 from datacenter-pue-fra
    #   1 x 536 x 8760 / 1000 = 4 695.36 kWh; x 1.46 = 6 855.2256 kWh; x 0.0519 = 355.78620864
    result = run([{"id": "srv", "kind": "server"}])
    assert value_of(result.rows, phase="use", criterion="gwp", year=1) == pytest.approx(
        355.78620864, rel=REL
    )
    assert any(w.code == "DEFAULT_PUE" and w.items == ("srv",) for w in result.warnings)


def test_cloud_instance_in_germany() -> None:
    # 4 vCPU + 16 GB all year, PUE 1.2, grid of Germany 0.381 kgCO2e/kWh:
    #   embodied: 4 x 1e-4 x 8760 + 16 x 2e-5 x 8760 = 3.504 + 2.8032 = 6.3072 kgCO2e
    #   energy: (4 x 2.0 W + 16 x 0.4 W) x 8760 h / 1000 x 1.2 = 151.3728 kWh
    #   use: 151.3728 x 0.381 = 57.6730368 kgCO2e
    result = run(
        [
            {
                "id": "vm",
                "kind": "cloud_instance",
                "vcpu": 4,
                "memory_gb": 16,
                "pue": 1.2,
                "location": "DEU",
            }
        ]
    )
    rows = result.rows
    assert value_of(rows, phase="manufacturing", criterion="gwp", year=2) == pytest.approx(
        6.3072, rel=REL
    )
    assert value_of(rows, phase="use", criterion="gwp", year=2) == pytest.approx(
        57.6730368, rel=REL
    )
    # one item in the table, whatever its components
    assert set(rows["item"].astype(str)) == {"vm"}


def test_storage_with_replicas() -> None:
    # 10 TB x 2 replicas of SSD, default PUE 1.46:
    #   embodied: 20 TB x 11 = 220 kgCO2e a year
    #   energy: 20 x 1.2 W x 8760 h / 1000 x 1.46 = 306.9504 kWh; x 0.0519 = 15.93072576
    result = run(
        [{"id": "st", "kind": "storage", "capacity_tb": 10, "replicas": 2, "media": "ssd"}]
    )
    rows = result.rows
    assert value_of(rows, phase="manufacturing", criterion="gwp", year=1) == pytest.approx(
        220.0, rel=REL
    )
    assert value_of(rows, phase="use", criterion="gwp", year=1) == pytest.approx(
        15.93072576, rel=REL
    )


def test_fixed_and_mobile_traffic() -> None:
    # 1 000 GB fixed x 0.0092693 = 9.2693; 500 GB mobile x 0.024684 = 12.342 kgCO2e a year.
    # The per-GB factors are all-phase totals: shown under use, other phases 0 (included).
    result = run(
        [
            {"id": "fixed", "kind": "network", "gb_per_year": 1000, "access": "fixed"},
            {"id": "mobile", "kind": "network", "gb_per_year": 500, "access": "mobile"},
        ]
    )
    rows = result.rows
    assert value_of(rows, item="fixed", phase="use", criterion="gwp", year=1) == pytest.approx(
        9.2693, rel=REL
    )
    assert value_of(rows, item="mobile", phase="use", criterion="gwp", year=1) == pytest.approx(
        12.342, rel=REL
    )
    assert value_of(rows, item="fixed", phase="manufacturing", criterion="gwp", year=1) == 0.0
    assert any(w.code == "ALL_PHASES_IN_USE" for w in result.warnings)


def test_active_years_and_custom_item() -> None:
    # A custom yearly factor (3 kg manufacturing + 0.5 kg use per unit-year),
    # 2 units at 0.5 allocation, active in years 2 and 3 only of a 5-year horizon:
    #   manufacturing 2 x 0.5 x 3 = 3 kg a year; use 2 x 0.5 x 0.5 = 0.5 kg a year.
    result = run(
        [
            {
                "id": "saas", "kind": "custom", "factor": "licence-saas", "tier": "datacenter",
                "quantity": 2, "allocation": 0.5, "first_year": 2, "last_year": 3,
            }
        ]
    )  # fmt: skip
    rows = result.rows
    assert sorted(set(rows["year"])) == [2, 3]
    assert value_of(rows, phase="manufacturing", criterion="gwp") == pytest.approx(6.0, rel=REL)
    assert value_of(rows, phase="use", criterion="gwp") == pytest.approx(1.0, rel=REL)
    assert set(rows["tier"].astype(str)) == {"datacenter"}


def test_long_table_shape_and_columns() -> None:
    from ecodigital.engine import LONG_COLUMNS

    result = run([{"id": "a", "kind": "laptop"}, {"id": "b", "kind": "server"}], horizon=3)
    rows = result.rows
    assert tuple(rows.columns) == LONG_COLUMNS
    # 2 items x 3 years x 4 phases x 8 criteria
    assert len(rows) == 2 * 3 * 4 * 8
    assert set(rows["tier"].astype(str)) == {"terminals", "datacenter"}
    assert dict(zip(rows["criterion"].astype(str), rows["unit"].astype(str), strict=True)) == {
        "gwp": "kgCO2e", "adpe": "kgSbeq", "pe": "MJ", "water": "m3", "ap": "mol H+ eq",
        "pm": "disease incidence", "ir": "kBq U235 eq", "water_consumption": "m3",
    }  # fmt: skip
