"""Fixtures of the connector tests: two dossiers beside the bundled example."""

from __future__ import annotations

from pathlib import Path

import pytest
from connectors_support import CLOUD_DOSSIER, ONPREM_DOSSIER, write_dossier


@pytest.fixture
def cloud_dossier(tmp_path: Path) -> Path:
    return write_dossier(tmp_path, CLOUD_DOSSIER, "cloud.yaml")


@pytest.fixture
def onprem_dossier(tmp_path: Path) -> Path:
    return write_dossier(tmp_path, ONPREM_DOSSIER, "onprem.yaml")
