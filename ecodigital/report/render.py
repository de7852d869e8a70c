"""Render an assessment as a table, JSON or the long CSV table."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecodigital.assessment import Assessment
    from ecodigital.engine.propagation import Propagation

__all__ = ["render_assessment"]


def _plain(value: object) -> object:
    """numpy scalars as Python ones; anything else is a bug worth a clear error."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def render_assessment(
    assessment: Assessment,
    output_format: str,
    lang: str = "fr",
    *,
    uncertainty: Propagation | None = None,
    drivers: dict[str, Any] | None = None,
) -> str:
    """The text of ``assess --format output_format`` (ranges and drivers when given)."""
    if output_format == "csv":
        from ecodigital.engine.compute import LONG_COLUMNS

        return str(assessment.rows[list(LONG_COLUMNS)].to_csv(index=False, float_format="%.12g"))
    from ecodigital.report.data import assessment_data

    if output_format == "json":
        data = assessment_data(
            assessment, include_rows=True, uncertainty=uncertainty, drivers=drivers
        )
        return (
            json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False, default=_plain) + "\n"
        )
    from ecodigital.report.text import assessment_table

    return assessment_table(
        assessment_data(
            assessment,
            include_rows=False,
            max_items=5,
            uncertainty=uncertainty,
            drivers=drivers,
        ),
        lang,
    )
