"""What drives the result: the uncertain inputs ranked by their share of variance."""

from __future__ import annotations

from typing import Any, Final

from ecodigital.assessment.results import Driver
from ecodigital.i18n import catalogue, label
from ecodigital.i18n.format import format_count, format_quantity, format_range, format_share
from ecodigital.report.note.common import Page

__all__ = ["MAX_DRIVERS", "driver_name", "drivers_section"]

#: Inputs shown in "what drives the result" (table and tornado chart).
MAX_DRIVERS: Final = 5


def driver_name(record: Driver, lang: str) -> str:
    """An uncertain input in words: its kind, what it is and, for parameters, which."""
    words = catalogue(lang)
    rest = record.key.partition(":")[2]
    if record.kind in ("default", "range"):
        name, _, parameter = rest.rpartition(":")
        parameter_key = f"note.driver_parameters.{parameter}"
        parameter_words = words.text(parameter_key) if parameter_key in words else parameter
        text = words.text(
            f"note.driver_{record.kind}", parameter=parameter_words, name=_factor_name(name, lang)
        )
    elif record.kind == "factor":
        text = words.text("note.driver_factor", name=_factor_name(rest, lang))
    elif record.kind == "grid":
        text = words.text("note.driver_grid", name=_country(rest, lang))
    else:
        text = record.label or record.key
    return text[:1].upper() + text[1:]


def _factor_name(factor_id: str, lang: str) -> str:
    """A factor row named for people: its label's words in ``lang``, else its id, in quotes."""
    from ecodigital.factors.labels import factor_label

    words = catalogue(lang)
    named = f"factor_label.{factor_id}" in words
    name = factor_label(factor_id, None, lang).split(" (")[0] if named else factor_id
    return f"« {name} »" if lang == "fr" else f'"{name}"'


def _country(code: str, lang: str) -> str:
    from ecodigital.countries import country_name

    return country_name(code, lang)


def drivers_section(page: Page) -> dict[str, Any]:
    """The first few drivers, each with its share of variance and the total at its P5 and P95."""
    drivers = page.results.drivers
    if drivers is None:
        return {"provided": False, "rows": [], "text": page.words("drivers_none")}
    lang = page.lang
    unit = drivers.unit
    reference = drivers.deterministic
    shown = (
        format_quantity(reference, unit, lang).split(" ", 1)[-1] if reference is not None else unit
    )
    rows = []
    for i, record in enumerate(drivers.inputs[:MAX_DRIVERS]):
        ends = format_range(record.output_at_p5, record.output_at_p95, unit, reference, lang)
        low, _, high = ends.strip("[]").partition(" – ")
        rows.append(
            {
                "input": driver_name(record, lang),
                "share": format_share(record.share, lang),
                "at_p5": low,
                "at_p95": high,
                "at_p5_kgco2e": record.output_at_p5,
                "at_p95_kgco2e": record.output_at_p95,
                "path": f"drivers.inputs[{i}]",
            }
        )
    return {
        "provided": True,
        "rows": rows,
        "text": page.fill(
            "drivers_intro" if rows else "drivers_flat",
            n=len(rows),
            draws=format_count(drivers.draws, lang),
            reference=format_quantity(reference, unit, lang),
        ),
        "unit": shown,
        "at_p5_title": str(page.fill("total_at_p5", unit=shown)),
        "at_p95_title": str(page.fill("total_at_p95", unit=shown)),
        "reference_kgco2e": reference,
        "label": label("gwp", lang),
    }
