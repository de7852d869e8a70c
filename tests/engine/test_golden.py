"""Hand-computed golden cases for the engine, to 1e-9 relative.

The first cases use a small factor table written here, so the expected figures
can be checked with a pocket calculator; the last ones the shipped dataset
2026.2, whose values they quote. The arithmetic is in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
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


# --------------------------------------------------------------------------- dataset 2026.2
# The cases below use the shipped dataset 2026.2 and its grid snapshot; every factor
# quoted in the arithmetic is a value of emission_factors/2026.2/ (docs/factors.md).

DATASET = "2026.2"


def run_dataset(items: list[dict[str, object]], horizon: int = 1, users: list[float] | None = None):  # type: ignore[no-untyped-def]
    from ecodigital.factors.database import load_reference_factors
    from ecodigital.factors.grid import build_grid

    table = load_reference_factors(DATASET)
    frame = items_frame(items)
    grid, notices = build_grid(sorted(set(frame["location"])), table)
    result = compute_impacts(frame, table.frame, grid, horizon_years=horizon, users_per_year=users)
    result.warnings.extend(notices)
    return result


# server-medium (Boavizta 2.5.0 platform_compute_medium, unrounded)
SERVER_GWP = 947.7654064206043
SERVER_POWER_W = 535.78124
DISTRIBUTION_SHARE = 0.05055643879173291  # median transport / manufacturing, 6 HPE ProLiant
END_OF_LIFE_SHARE = 0.02738970588235294  # median end of life / manufacturing, same footprints


def test_french_server_use_phase_in_every_criterion() -> None:
    # One server-medium at its default 535.78124 W all year, PUE 1.5 given, in France:
    #   energy 535.78124 W x 8760 h / 1000 x 1.5 = 7 040.1654936 kWh a year
    # times the French factors per kWh: gwp 0.0519 (ADEME, row electricity-fra); from the
    # grid snapshot (Boavizta factors.yml, ADEME Base IMPACTS 2011): adpe 4.85798e-08,
    # pe 11.289, ap 0.000209809, pm 4.15844e-09, ir 3.23443; water consumption
    # 0.0036736961 m3/kWh (WRI 2020). ADEME's water indicator has no per-kWh figure: unknown.
    result = run_dataset([{"id": "srv", "kind": "server", "pue": 1.5}])
    energy = 535.78124 * 8760 / 1000 * 1.5
    assert energy == pytest.approx(7040.1654936, rel=REL)
    expected = {
        "gwp": 7040.1654936 * 0.0519,  # 365.384589118 kgCO2e
        "adpe": 7040.1654936 * 4.85798e-08,  # 3.42010e-04 kgSbeq
        "pe": 7040.1654936 * 11.289,  # 79 476.43 MJ
        "ap": 7040.1654936 * 0.000209809,  # 1.47709 mol H+ eq
        "pm": 7040.1654936 * 4.15844e-09,  # 2.92761e-05 disease incidence
        "ir": 7040.1654936 * 3.23443,  # 22 770.92 kBq U235 eq
        "water_consumption": 7040.1654936 * 0.0036736961,  # 25.8634 m3
    }
    for criterion, value in expected.items():
        assert value_of(result.rows, phase="use", criterion=criterion) == pytest.approx(
            value, rel=REL
        ), criterion
    assert expected["gwp"] == pytest.approx(365.384589118, rel=REL)
    assert math.isnan(value_of(result.rows, phase="use", criterion="water"))
    unknown = next(w for w in result.warnings if w.code == "GRID_CRITERIA_UNKNOWN")
    assert unknown.params == {"countries": ["FRA"], "criteria": ["water"]}


def test_server_distribution_and_end_of_life() -> None:
    # server-medium for a year, its default 4-year life:
    #   manufacturing 947.7654064206043 / 4 = 236.941351605 kgCO2e
    #   distribution  947.7654064206043 x 0.0505564388 / 4 = 11.978910940
    #   end of life   947.7654064206043 x 0.0273897059 / 4 = 6.489753932
    # so the data-centre tier is complete for gwp (no UNKNOWN_PHASE for it).
    result = run_dataset([{"id": "srv", "kind": "server", "pue": 1.5}])
    rows = result.rows
    manufacturing = value_of(rows, phase="manufacturing", criterion="gwp")
    assert manufacturing == pytest.approx(SERVER_GWP / 4, rel=REL)
    assert manufacturing == pytest.approx(236.941351605, rel=REL)
    assert value_of(rows, phase="distribution", criterion="gwp") == pytest.approx(
        SERVER_GWP * DISTRIBUTION_SHARE / 4, rel=REL
    )
    assert value_of(rows, phase="distribution", criterion="gwp") == pytest.approx(
        11.978910940, rel=1e-9
    )
    assert value_of(rows, phase="end_of_life", criterion="gwp") == pytest.approx(
        6.489753932, rel=1e-9
    )
    assert not any(w.code == "UNKNOWN_PHASE" and "gwp" in w.message for w in result.warnings)
    # the other criteria's distribution and end of life have no source: unknown, not zero
    assert math.isnan(value_of(rows, phase="distribution", criterion="ap"))
    # EF 3.0 adpe of Boavizta's generic server, 0.0378 kgSbeq over 4 years
    assert value_of(rows, phase="manufacturing", criterion="adpe") == pytest.approx(
        0.0378 / 4, rel=REL
    )


def test_custom_switch_keeps_its_power_and_pue() -> None:
    # A network switch priced by a user's row (ADEME's generic switch, 367 kgCO2e, 5 years),
    # declared custom in the data-centre tier with power_w 100:
    #   with pue 1.5:      100 W x 8760 h / 1000 x 1.5 = 1 314 kWh; x 0.0519 = 68.1966 kgCO2e
    #   without a pue, hosted in French colocation: PUE 1.46 (datacenter-pue-fra):
    #                      100 x 8.76 x 1.46 = 1 278.96 kWh; x 0.0519 = 66.378 024 kgCO2e
    #   manufacturing      367 / 5 = 73.4 kgCO2e a year, quality "declared" (a user's row)
    from ecodigital.factors.database import load_reference_factors
    from ecodigital.factors.grid import build_grid

    table = load_reference_factors(DATASET)
    user = factor_frame(
        [{
            "id": "switch", "kind": "custom", "basis": "device",
            "gwp_manufacturing_kgco2e": 367.0, "lifetime_years": 5.0,
        }]
    )  # fmt: skip
    user["origin"] = "user"
    factors = pd.concat([table.frame, user])
    items = items_frame(
        [
            {"id": "sw-a", "kind": "custom", "factor": "switch", "tier": "datacenter",
             "power_w": 100, "pue": 1.5},
            {"id": "sw-b", "kind": "custom", "factor": "switch", "tier": "datacenter",
             "power_w": 100},
            {"id": "sw-c", "kind": "custom", "factor": "switch", "tier": "datacenter"},
        ]
    )  # fmt: skip
    grid, _ = build_grid(["FRA"], table)
    result = compute_impacts(items, factors, grid, horizon_years=1)
    rows = result.rows
    assert value_of(rows, item="sw-a", phase="use", criterion="gwp") == pytest.approx(
        68.1966, rel=REL
    )
    assert value_of(rows, item="sw-b", phase="use", criterion="gwp") == pytest.approx(
        66.378024, rel=REL
    )
    assert value_of(rows, item="sw-a", phase="manufacturing", criterion="gwp") == pytest.approx(
        73.4, rel=REL
    )
    assert set(rows.loc[rows["item"] == "sw-a", "quality"].astype(str)) == {"declared"}
    pue = next(w for w in result.warnings if w.code == "DEFAULT_PUE")
    assert pue.items == ("sw-b",) and pue.params == {"pue": 1.46, "factor": "datacenter-pue-fra"}
    # no power given: the use phase is unknown, and said so (not "the source has no use phase")
    assert math.isnan(value_of(rows, item="sw-c", phase="use", criterion="gwp"))
    assert any(w.code == "USE_POWER_UNKNOWN" and w.items == ("sw-c",) for w in result.warnings)
    use_unknown = [w for w in result.warnings if w.code == "UNKNOWN_PHASE"]
    assert all("sw-c" not in w.items for w in use_unknown if w.params["phase"] == "use")


def test_default_pue_follows_country_and_hosting() -> None:
    # server-medium, 535.78124 W all year (4 693.4436624 kWh of IT electricity):
    #   Germany, colocation: datacenter-pue-deu 1.46 (Bitkom 2025)
    #       4 693.4436624 x 1.46 = 6 852.42774710 kWh; x 0.38095 (CodeCarbon 3.3.2 DEU)
    #       = 2 610.432 350 kgCO2e
    #   United States, colocation: datacenter-pue-colocation 1.56 (Uptime Institute 2024)
    #   France, on premises: datacenter-pue-on-premises 1.56
    #   storage hosted by AWS: datacenter-pue-cloud-aws 1.135 (Cloud Carbon Footprint)
    result = run_dataset(
        [
            {"id": "de", "kind": "server", "location": "DEU"},
            {"id": "us", "kind": "server", "location": "USA"},
            {"id": "room", "kind": "server", "hosting": "on_premises"},
            {"id": "bucket", "kind": "storage", "capacity_tb": 1, "provider": "AWS S3"},
        ]
    )
    energy = SERVER_POWER_W * 8760 / 1000
    assert energy == pytest.approx(4693.4436624, rel=REL)
    assert value_of(result.rows, item="de", phase="use", criterion="gwp") == pytest.approx(
        4693.4436624 * 1.46 * 0.38095, rel=REL
    )
    germany = 4693.4436624 * 1.46 * 0.38095
    assert germany == pytest.approx(2610.432350, rel=1e-9)
    chosen = {
        w.params["factor"]: (w.params["pue"], w.items)
        for w in result.warnings
        if w.code == "DEFAULT_PUE"
    }
    assert chosen == {
        "datacenter-pue-deu": (1.46, ("de",)),
        "datacenter-pue-colocation": (1.56, ("us",)),
        "datacenter-pue-on-premises": (1.56, ("room",)),
        "datacenter-pue-cloud-aws": (1.135, ("bucket",)),
    }
    # 1 TB of SSD all year: 1.2 W x 8760 h / 1000 x 1.135 = 11.93112 kWh; x 0.0519
    assert value_of(result.rows, item="bucket", phase="use", criterion="gwp") == pytest.approx(
        1.2 * 8.76 * 1.135 * 0.0519, rel=REL
    )


def test_reserved_cloud_instance_is_charged_every_calendar_hour() -> None:
    # 4 vCPU + 16 GB running 2 920 h a year (8 h a day) in France, default cloud PUE 1.14:
    #   embodied per hour: 4 x 8.137624460933535e-05 + 16 x 3.674080947926702e-05
    #                    = 3.2550497844e-04 + 5.8785295167e-04 = 9.1335793011e-04 kgCO2e
    #   on demand: x 2 920 h = 2.667 005 kgCO2e; reserved: x 8 760 h = 8.001 015 kgCO2e
    #   use (both): (4 x 2.29 + 16 x 0.392) W x 2 920 h / 1000 x 1.14 = 51.370 042 kWh
    #               x 0.0519 = 2.666 105 kgCO2e
    per_hour = 4 * 8.137624460933535e-05 + 16 * 3.674080947926702e-05
    base = {"kind": "cloud_instance", "vcpu": 4, "memory_gb": 16, "hours_per_year": 2920}
    result = run_dataset([{"id": "od", **base}, {"id": "rsv", **base, "billing": "reserved"}])
    rows = result.rows
    assert value_of(rows, item="od", phase="manufacturing", criterion="gwp") == pytest.approx(
        per_hour * 2920, rel=REL
    )
    assert value_of(rows, item="rsv", phase="manufacturing", criterion="gwp") == pytest.approx(
        per_hour * 8760, rel=REL
    )
    assert per_hour * 8760 == pytest.approx(8.0010155, rel=1e-7)
    for item in ("od", "rsv"):
        assert value_of(rows, item=item, phase="use", criterion="gwp") == pytest.approx(
            (4 * 2.29 + 16 * 0.392) * 2920 / 1000 * 1.14 * 0.0519, rel=REL
        )
    billing = {w.params["billing"]: w for w in result.warnings if w.code == "CLOUD_BILLING"}
    assert billing["on_demand"].items == ("od",) and billing["on_demand"].params["default"]
    assert billing["reserved"].items == ("rsv",) and not billing["reserved"].params["default"]


def test_citizens_devices_follow_the_users_of_each_year() -> None:
    # One smartphone per user, 0.18 % of its time on the service, users 800, 3 500, 2 000:
    #   manufacturing per user-year: 0.0018 x 77 kgCO2e / 2.5 years = 0.05544 kgCO2e
    #   year 1: 800 x 0.05544 = 44.352; year 2: 3 500 x 0.05544 = 194.04; year 3: 110.88
    # The footprint per user is the same every year; a fixed quantity would not follow.
    result = run_dataset(
        [{"id": "phones", "kind": "smartphone", "quantity_per_user": 1, "allocation": 0.0018}],
        horizon=3,
        users=[800, 3500, 2000],
    )
    rows = result.rows
    for year, expected in ((1, 44.352), (2, 194.04), (3, 110.88)):
        assert value_of(rows, phase="manufacturing", criterion="gwp", year=year) == pytest.approx(
            expected, rel=REL
        )
    # use: 4.5 W x 3 h x 365 d / 1000 = 4.9275 kWh x 0.0018 x 0.0519 per user and year
    assert value_of(rows, phase="use", criterion="gwp", year=2) == pytest.approx(
        3500 * 4.9275 * 0.0018 * 0.0519, rel=REL
    )
    assert result.year_weights is not None
    assert result.year_weights.tolist() == [[800.0, 3500.0, 2000.0]]
