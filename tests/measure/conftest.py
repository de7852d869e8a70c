from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
V3_CSV = DATA / "v3" / "emissions.csv"
V2_CSV = DATA / "v2" / "emissions.csv"


@pytest.fixture
def v3_header() -> str:
    return V3_CSV.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture
def v3_rows() -> list[str]:
    return V3_CSV.read_text(encoding="utf-8").splitlines()[1:]
