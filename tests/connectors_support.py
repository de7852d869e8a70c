"""Dossiers the connector tests export and import, beside the bundled example."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"
REFERENCE = Path(__file__).resolve().parent / "connectors" / "reference"

#: A cloud-hosted service in Germany from 2028 (a leap year): cloud, storage, mobile traffic.
CLOUD_DOSSIER = {
    "format": "ecodigital/1",
    "project": {
        "name": "Plateforme de rendez-vous",
        "beneficiary": {"name": "Syndicat mixte numérique", "type": "syndicat"},
        "country": "DEU",
        "start_year": 2028,
        "duration_years": 2,
        "horizon_years": 3,
        "users_per_year": [2000, 6000, 6500],
    },
    "inventory": [
        {
            "id": "api-vms",
            "kind": "cloud_instance",
            "quantity": 3,
            "vcpu": 2,
            "memory_gb": 8,
            "provider": "aws",
            "hours_per_year": 8760,
        },
        {
            "id": "batch-vm",
            "kind": "cloud_instance",
            "vcpu": 8,
            "memory_gb": 32,
            "hours_per_year": 1200,
            "location": "FRA",
            "years": [2, 3],
        },
        {"id": "files", "kind": "storage", "capacity_tb": 1.5, "replicas": 2, "media": "hdd"},
        {"id": "mobile-traffic", "kind": "network", "access": "mobile", "gb_per_year": 800},
        {
            "id": "agents-desktops",
            "kind": "desktop",
            "quantity": 6,
            "allocation": 0.3,
            "lifetime_years": 6,
        },
    ],
}

#: A small commune's service on premises: servers with their own PUE, terminals, fixed traffic.
ONPREM_DOSSIER = {
    "format": "ecodigital/1",
    "project": {
        "name": "Portail famille",
        "beneficiary": {"name": "Commune de Morteau", "type": "commune"},
        "start_year": 2026,
        "duration_years": 2,
        "horizon_years": 4,
        "users_per_year": [300, 900, 1200, 1200],
    },
    "inventory": [
        {
            "id": "web-server",
            "kind": "server",
            "factor": "server-small",
            "power_w": 180,
            "pue": 1.8,
            "allocation": 0.4,
        },
        {
            "id": "db-servers",
            "kind": "server",
            "factor": "server-large",
            "quantity": 2,
            "power_w": 450,
            "hours_per_year": 8000,
            "pue": 1.3,
            "lifetime_years": 7,
        },
        {
            "id": "agents-laptops",
            "kind": "laptop",
            "quantity": 8,
            "allocation": 0.2,
            "hours_per_day": 6,
            "days_per_year": 210,
            "lifetime_years": 6,
        },
        {
            "id": "kiosk",
            "kind": "tablet",
            "quantity": 2,
            "years": [2, 4],
            "hours_per_day": 9,
            "days_per_year": 300,
        },
        {"id": "traffic", "kind": "network", "gb_per_year": 650},
    ],
}


def write_dossier(folder: Path, data: dict, name: str = "dossier.yaml") -> Path:  # type: ignore[type-arg]
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
