"""Render assessed results as a table, JSON or the long CSV table."""

from __future__ import annotations

from ecodigital.assessment.results import Results

__all__ = ["render_assessment"]


def render_assessment(
    results: Results, output_format: str, lang: str = "fr", *, rows: bool = False
) -> str:
    """The text of ``assess --format output_format`` (``rows``: JSON with the long table)."""
    if output_format == "csv":
        if results.inputs is None:
            raise ValueError("these results keep no long table")
        return results.inputs.table.to_csv()
    if output_format == "json":
        from ecodigital.jsonio import dumps

        return dumps(results.to_json(rows=rows))
    from ecodigital.report.table import assessment_table

    return assessment_table(results, lang)
