"""Every figure dataset 2026.2 takes from a source, recomputed from that source's data file.

Boavizta API 2.5.0's figures come from ``data/boavizta-2.5.0/reference.json``
(computed once with the AGPL library in a separate environment, see its
README); the shares of distribution and end of life from the extract of
Boavizta's environmental-footprint-data in ``data/boavizta-efd/``.
"""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from ecodigital.factors.database import impact_column, load_reference_factors

DATA = Path(__file__).with_name("data")
REFERENCE = json.loads((DATA / "boavizta-2.5.0" / "reference.json").read_text(encoding="utf-8"))
FOOTPRINTS = list(
    csv.DictReader((DATA / "boavizta-efd" / "servers.csv").open(encoding="utf-8", newline=""))
)
TABLE = load_reference_factors("2026.2")
ROWS = TABLE.frame
HOURS_PER_YEAR = 8760
REL = 1e-12


def cell(factor_id: str, criterion: str, phase: str = "manufacturing") -> float:
    return float(ROWS.at[factor_id, impact_column(criterion, phase)])


def embedded(record: dict[str, Any], criterion: str) -> dict[str, float]:
    value: dict[str, float] = record["embedded_whole_life"][criterion]["embedded"]
    return value


def _ratio(row: dict[str, str], column: str) -> float:
    return float(row[column]) / float(row["gwp_manufacturing_ratio"])


HPE = [r for r in FOOTPRINTS if r["manufacturer"] == "HP"]
DELL = [r for r in FOOTPRINTS if r["manufacturer"] == "Dell"]
DISTRIBUTION_SHARE = statistics.median(_ratio(r, "gwp_transport_ratio") for r in HPE)
END_OF_LIFE_SHARE = statistics.median(_ratio(r, "gwp_eol_ratio") for r in HPE)


def test_shares_of_distribution_and_end_of_life_come_from_the_footprints() -> None:
    # 6 HPE ProLiant Gen10 footprints: transport 5.1 % and end of life 2.7 % of manufacturing
    # (medians); 42 Dell PowerEdge: transport and end of life together 3.1 %, IQR 2.3-5.2 %.
    assert len(HPE) == 6 and all(r["name"].startswith("ProLiant") for r in HPE)
    assert len(DELL) == 42 and all(r["name"].startswith("PowerEdge") for r in DELL)
    distribution, end_of_life = DISTRIBUTION_SHARE, END_OF_LIFE_SHARE
    assert distribution == pytest.approx(0.0506, abs=5e-5)
    assert end_of_life == pytest.approx(0.0274, abs=5e-5)
    residual = [
        (1 - float(r["gwp_use_ratio"]) - float(r["gwp_manufacturing_ratio"]))
        / float(r["gwp_manufacturing_ratio"])
        for r in DELL
    ]
    low, median, high = statistics.quantiles(residual, n=4, method="inclusive")
    assert (low, median, high) == pytest.approx((0.023, 0.031, 0.052), abs=6e-4)


@pytest.mark.parametrize(
    ("factor_id", "archetype"),
    [
        ("server-small", "platform_compute_low"),
        ("server-medium", "platform_compute_medium"),
        ("server-large", "platform_compute_high"),
    ],
)
def test_server_rows_are_boavizta_s_unrounded_figures(factor_id: str, archetype: str) -> None:
    server = REFERENCE["servers"][archetype]
    gwp = embedded(server, "gwp")
    assert cell(factor_id, "gwp") == pytest.approx(gwp["value"], rel=REL)
    # the components add up to the whole (no rounding): 947.77 for server-medium, not 900
    assert sum(c["gwp"] for c in server["components"].values()) == pytest.approx(
        gwp["value"], rel=1e-9
    )
    assert cell(factor_id, "gwp", "distribution") == pytest.approx(
        gwp["value"] * DISTRIBUTION_SHARE, rel=REL
    )
    assert cell(factor_id, "gwp", "end_of_life") == pytest.approx(
        gwp["value"] * END_OF_LIFE_SHARE, rel=REL
    )
    assert cell(factor_id, "pe") == pytest.approx(embedded(server, "pe")["value"], rel=REL)
    # EF 3.0 criteria of Boavizta's generic server; adpe is its adpe, not its adp
    for criterion in ("adpe", "ap", "pm", "ir"):
        assert cell(factor_id, criterion) == embedded(server, criterion)["value"], criterion
    assert embedded(server, "adp")["value"] > 3 * cell(factor_id, "adpe")
    # water use is negative in the source: refused, unknown
    assert embedded(server, "wu")["value"] < 0
    assert (
        ROWS.at[factor_id, "water_manufacturing_m3"] != ROWS.at[factor_id, "water_manufacturing_m3"]
    )
    row = ROWS.loc[factor_id]
    assert row["lifetime_years"] == server["hours_life_time"]["value"] / HOURS_PER_YEAR == 4
    power = server["avg_power"]
    assert (row["power_w"], row["power_w_low"], row["power_w_high"]) == (
        power["value"],
        power["min"],
        power["max"],
    )
    # the default power's P5 reaches Boavizta's idle bound, about 0.21x for server-medium
    assert row["uncertainty_low"] == pytest.approx(gwp["min"] / gwp["value"], rel=REL)
    assert row["uncertainty_high"] == pytest.approx(gwp["max"] / gwp["value"], rel=REL)
    if factor_id == "server-medium":
        assert power["min"] / power["value"] == pytest.approx(0.2078, abs=1e-4)


def test_cloud_rows_are_the_shares_of_an_m5_large() -> None:
    m5 = REFERENCE["cloud"]["aws/m5.large"]
    vcpu, memory = m5["vcpu"], m5["memory_gb"]
    assert (vcpu, memory) == (2, 8)
    parts = m5["components"]
    year = m5["one_year"]["FRA"]
    for criterion in ("gwp", "pe"):
        ram = parts["RAM-1"][criterion]
        rest = sum(p[criterion] for name, p in parts.items() if name != "RAM-1")
        # the instance's whole embedded figure is its components' for 8760 h
        assert rest + ram == pytest.approx(year[criterion]["embedded"]["value"], rel=1e-9)
        assert cell("cloud-vcpu-hour", criterion) == pytest.approx(
            rest / vcpu / HOURS_PER_YEAR, rel=REL
        )
        assert cell("cloud-memory-gb-hour", criterion) == pytest.approx(
            ram / memory / HOURS_PER_YEAR, rel=REL
        )
    for criterion in ("adpe", "ap", "pm", "ir"):
        instance = year[criterion]["embedded"]["value"]
        assert cell("cloud-vcpu-hour", criterion) == pytest.approx(
            instance / vcpu / HOURS_PER_YEAR, rel=REL
        )
        # Boavizta puts the generic server's EF 3.0 figures on the vCPUs only
        assert cell("cloud-memory-gb-hour", criterion) == 0.0
    for factor_id in ("cloud-vcpu-hour", "cloud-memory-gb-hour"):
        assert cell(factor_id, "gwp", "distribution") == pytest.approx(
            cell(factor_id, "gwp") * DISTRIBUTION_SHARE, rel=REL
        )
        assert cell(factor_id, "gwp", "end_of_life") == pytest.approx(
            cell(factor_id, "gwp") * END_OF_LIFE_SHARE, rel=REL
        )
    # a 6-year platform: already amortised, nothing to amortise again
    assert m5["hours_life_time"]["value"] == 6 * HOURS_PER_YEAR
    assert ROWS.loc[["cloud-vcpu-hour", "cloud-memory-gb-hour"], "lifetime_years"].isna().all()


def test_storage_rows_come_from_the_drive_s_capacity() -> None:
    ssd = REFERENCE["storage"]["ssd-4000gb"]
    hdd = REFERENCE["storage"]["hdd-15000gb"]
    # SSD: per TB of a 4 TB drive (166.68 kgCO2e per drive), Boavizta's 3-year component life
    gwp = embedded(ssd, "gwp")
    assert ROWS.at["storage-ssd", "basis"] == "tb"
    assert cell("storage-ssd", "gwp") == pytest.approx(gwp["value"] / 4, rel=REL)
    assert cell("storage-ssd", "pe") == pytest.approx(embedded(ssd, "pe")["value"] / 4, rel=REL)
    assert ROWS.at["storage-ssd", "lifetime_years"] == ssd["archetype_hours_life_time"] / 8760 == 3
    assert ROWS.at["storage-ssd", "uncertainty_low"] == pytest.approx(gwp["min"] / gwp["value"])
    # HDD: per drive whatever its capacity (31.11 kgCO2e), 15 TB by default
    assert ROWS.at["storage-hdd", "basis"] == "drive"
    assert cell("storage-hdd", "gwp") == embedded(hdd, "gwp")["value"] == 31.11
    assert cell("storage-hdd", "pe") == embedded(hdd, "pe")["value"] == 276.0
    assert ROWS.at["storage-hdd", "drive_capacity_tb"] == 15
    assert ROWS.at["storage-hdd", "lifetime_years"] == hdd["archetype_hours_life_time"] / 8760
    for factor_id in ("storage-ssd", "storage-hdd"):
        # Boavizta's components give adp, not EF 3.0 adpe: unknown
        assert (
            ROWS.at[factor_id, "adpe_manufacturing_kgsbeq"]
            != ROWS.at[factor_id, "adpe_manufacturing_kgsbeq"]
        )
        assert cell(factor_id, "gwp", "distribution") == pytest.approx(
            cell(factor_id, "gwp") * DISTRIBUTION_SHARE, rel=REL
        )


@pytest.mark.parametrize(
    ("factor_id", "archetype"),
    [
        ("laptop", "laptop-pro"),
        ("desktop", "desktop-pro"),
        ("desktop-home", "desktop-perso"),
        ("smartphone", "smartphone-default"),
        ("tablet", "tablet-default"),
        ("monitor", "monitor-default"),
        ("tv", "tv-perso"),
        ("box", "box-default"),
    ],
)
def test_terminal_ef_criteria_are_boavizta_s(factor_id: str, archetype: str) -> None:
    terminal = REFERENCE["terminals"][archetype]
    for criterion in ("adpe", "ap", "pm", "ir"):
        assert cell(factor_id, criterion) == embedded(terminal, criterion)["value"], criterion
    # Boavizta has no primary energy for terminals: unknown
    assert terminal["embedded_whole_life"]["pe"]["embedded"] is None
    # the climate change stays ADEME's (publicodes-acv-numerique 2.1.0)
    assert cell(factor_id, "gwp") == float(
        load_reference_factors("2026.1").frame.at[factor_id, "gwp_manufacturing_kgco2e"]
    )


# Boavizta factors.yml (ADEME Base IMPACTS 2011; pe = ADPf / (1 - renewable share);
# water from WRI 2020), as docs/factors.md cites them
CITED = {
    "FRA": {"adpe": 4.858e-8, "pe": 11.289, "water_consumption": 0.003674},
    "DEU": {"adpe": 8.787e-8, "pe": 16.26, "water_consumption": 0.001947},
    "POL": {"adpe": 1.019e-7, "pe": 13.178, "water_consumption": 0.002513},
    "SWE": {"adpe": 7.771e-8, "pe": 11.026, "water_consumption": 0.006032},
}
BOAVIZTA_NAMES = {"adpe": "adpe", "pe": "pe", "ap": "ap", "pm": "pm", "ir": "ir"}


@pytest.mark.parametrize("country", sorted(CITED))
def test_grid_snapshot_is_boavizta_s_electricity(country: str) -> None:
    snapshot = TABLE.grid
    assert snapshot is not None
    source = REFERENCE["electricity"][country]
    for criterion, name in {**BOAVIZTA_NAMES, "water_consumption": "wu"}.items():
        assert snapshot.values[(country, criterion)] == source[name]["value"], criterion
    for criterion, figure in CITED[country].items():
        # cited to 4 significant figures
        assert snapshot.values[(country, criterion)] == pytest.approx(figure, rel=5e-4)
    assert snapshot.sources[(country, "water_consumption")] == "boavizta-wri"
    assert "Base IMPACTS" in snapshot.source_title(snapshot.sources[(country, "adpe")])
    assert source["wu"]["source"].startswith("https://www.wri.org/")


def test_pue_rows_hold_the_cited_figures() -> None:
    cited = {
        "datacenter-pue-fra": 1.46,  # Arcep, 2023 data
        "datacenter-pue-deu": 1.46,  # Bitkom 2025, via Borderstep
        "datacenter-pue-colocation": 1.56,  # Uptime Institute 2024
        "datacenter-pue-on-premises": 1.56,
        "datacenter-pue-cloud": 1.14,  # (1.135 + 1.1 + 1.185) / 3, Cloud Carbon Footprint
        "datacenter-pue-cloud-aws": 1.135,
        "datacenter-pue-cloud-gcp": 1.1,
        "datacenter-pue-cloud-azure": 1.185,
        "datacenter-pue-cloud-ovhcloud": 1.28,
    }
    assert ROWS.loc[list(cited), "pue"].to_dict() == cited
    mean = (1.135 + 1.1 + 1.185) / 3
    assert mean == pytest.approx(1.14)
    for factor_id in cited:
        row = ROWS.loc[factor_id]
        assert row["source_url"].startswith("https://") and row["source_year"], factor_id
        assert row["uncertainty_low"] < 1 < row["uncertainty_high"], factor_id
