"""Method: the factor dataset, the formulas, the electricity of each country, data quality."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecodigital.countries import country_name
from ecodigital.i18n import label
from ecodigital.i18n.format import format_date, format_share
from ecodigital.report.note.common import Page
from ecodigital.vocabulary import QUALITIES

__all__ = ["method_section"]


def method_section(page: Page) -> dict[str, Any]:
    results = page.results
    dataset = results.factors_dataset
    gwp = results.totals["gwp"]
    lang = page.lang
    return {
        "dataset": page.fill(
            "dataset_text",
            name=dataset.name,
            version=dataset.version,
            date=format_date(dataset.date, lang) or dataset.date,
        ),
        "user_files": (
            page.fill("user_files_text", files=", ".join(Path(f).name for f in dataset.user_files))
            if dataset.user_files
            else None
        ),
        "formulas": list(page.t["formulas"]),
        "electricity": [
            {
                "country": f"{country_name(row.country, lang)} ({row.country})"
                if country_name(row.country, lang) != row.country
                else row.country,
                "factor": page.fig(f"electricity[{i}].per_kwh.gwp"),
                "source": row.source,
                "year": row.year,
            }
            for i, row in enumerate(results.electricity)
        ],
        "qualities": [
            {"label": label(q, lang), "share": format_share(gwp.quality.get(q, 0.0), lang)}
            for q in QUALITIES
        ],
    }
