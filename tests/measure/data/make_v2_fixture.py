"""Derive ``v2/emissions.csv`` (CodeCarbon 2.x layout) from the real 3.x run in ``v3/``.

CodeCarbon 2.x (2.4 to 2.8) wrote 32 columns: the 3.x file without
water_consumed, cpu/gpu/ram_utilization_percent, ram_used_gb and wue. The values
are the 3.x run's; only the layout and the version string are 2.x's.

    python tests/measure/data/make_v2_fixture.py
"""

from pathlib import Path

import pandas as pd

V2_COLUMNS = [
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "python_version",
    "codecarbon_version",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "tracking_mode",
    "on_cloud",
    "pue",
]

here = Path(__file__).parent
frame = pd.read_csv(here / "v3" / "emissions.csv", dtype=str, keep_default_na=False)
frame = frame[V2_COLUMNS].assign(codecarbon_version="2.8.3")
(here / "v2").mkdir(exist_ok=True)
frame.to_csv(here / "v2" / "emissions.csv", index=False)
