"""Measured energy replacing the modelled use phase (``use_energy_override``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ecodigital.dossier.load import LoadedDossier, parse_dossier_text
from ecodigital.engine.compute import compute_impacts
from ecodigital.factors.database import load_factors
from ecodigital.factors.grid import build_grid

DOSSIER = """
format: ecodigital/1
project:
  name: Test
  beneficiary: {name: Commune, type: commune}
  country: FRA
  start_year: 2026
  duration_years: 1
  horizon_years: 1
  users_per_year: [100]
inventory:
  - {id: job-server, kind: server, allocation: 0.5, power_w: 300, pue: 1.5, hours_per_year: 8760}
  - {id: db-vm, kind: cloud_instance, vcpu: 4, memory_gb: 16}
  - {id: traffic, kind: network, gb_per_year: 100}
"""


@pytest.fixture(scope="module")
def loaded() -> LoadedDossier:
    return parse_dossier_text(DOSSIER, Path("dossier.yaml"))


def _compute(loaded: LoadedDossier, override: pd.DataFrame | None):
    factors = load_factors()
    grid, _ = build_grid(sorted(set(loaded.items["location"])), factors)
    return compute_impacts(
        loaded.items, factors.frame, grid, horizon_years=1, use_energy_override=override
    )


def _override(item: str, kwh: float, pue_included: bool = False, quality: str = "measured"):
    return pd.DataFrame(
        {
            "item": [item],
            "energy_kwh_per_year": [kwh],
            "pue_included": [pue_included],
            "quality": [quality],
        }
    )


def _use(result, item: str) -> pd.Series:
    rows = result.rows
    return rows[(rows["item"] == item) & (rows["phase"] == "use") & (rows["criterion"] == "gwp")]


def test_measured_energy_is_scaled_by_allocation_pue_and_the_dossier_grid(loaded):
    # 1.2 kWh per run x 365 runs = 438 kWh a year, measured on the machine;
    # x allocation 0.5 = 219 kWh; x the item's PUE 1.5 = 328.5 kWh;
    # x 0.0519 kgCO2e/kWh (electricity-fra) = 17.04915 kgCO2e a year.
    result = _compute(loaded, _override("job-server", 1.2 * 365))
    use = _use(result, "job-server")
    assert use["value"].iat[0] == pytest.approx(17.04915)
    assert use["quality"].iat[0] == "measured"
    manufacturing = result.rows[
        (result.rows["item"] == "job-server") & (result.rows["phase"] == "manufacturing")
    ]
    assert set(manufacturing["quality"].astype(str)) == {"modelled"}
    server = result.components[result.components["id"] == "job-server"]
    assert server["energy_kwh_per_year"].iat[0] == pytest.approx(328.5)
    # modelled: 0.5 x 300 W x 8760 h / 1000 x 1.5 = 1971 kWh, kept for reconciliation
    assert server["modelled_energy_kwh_per_year"].iat[0] == pytest.approx(1971.0)


def test_a_measure_that_includes_the_pue_is_not_multiplied_again(loaded):
    # 438 kWh x 0.5 x 0.0519 = 11.3661 kgCO2e
    result = _compute(loaded, _override("job-server", 438.0, pue_included=True))
    assert _use(result, "job-server")["value"].iat[0] == pytest.approx(11.3661)


def test_a_measured_cloud_instance_includes_its_memory(loaded):
    # 100 kWh x allocation 1 x default cloud PUE 1.14 (datacenter-pue-cloud) = 114 kWh;
    # x 0.0519 = 5.9166 kgCO2e, and the modelled memory part is dropped
    result = _compute(loaded, _override("db-vm", 100.0, quality="estimated-by-codecarbon"))
    use = _use(result, "db-vm")
    assert use["value"].iat[0] == pytest.approx(5.9166)
    assert use["quality"].iat[0] == "estimated-by-codecarbon"


def test_without_override_nothing_is_measured(loaded):
    result = _compute(loaded, None)
    assert "measured" not in set(result.rows["quality"].astype(str))
    # 1971 kWh x 0.0519 = 102.2949 kgCO2e
    assert _use(result, "job-server")["value"].iat[0] == pytest.approx(102.2949)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (_override("nope", 1.0), "measured item 'nope' is not in the inventory"),
        (_override("traffic", 1.0), "item 'traffic' is priced per gb"),
        (_override("job-server", -1.0), "measured energy of 'job-server' must be >= 0 kWh"),
        (_override("job-server", 1.0, quality="guessed"), "unknown quality 'guessed'"),
        (
            pd.concat([_override("job-server", 1.0), _override("job-server", 2.0)]),
            "item 'job-server' is measured twice",
        ),
    ],
)
def test_bad_overrides_are_refused(loaded, override, message):
    with pytest.raises(ValueError, match=message):
        _compute(loaded, override)
