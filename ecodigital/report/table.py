"""The readable terminal table of ``ecodigital assess``: every figure read from the results."""

from __future__ import annotations

import textwrap

from ecodigital.assessment.results import Drivers, Figure, Results
from ecodigital.i18n import and_more, catalogue, label, warning_text
from ecodigital.i18n.format import format_count, format_number, format_quantity, format_range
from ecodigital.report.views import quality_text, render
from ecodigital.terminal import text_table, wrap_width
from ecodigital.vocabulary import CRITERIA

__all__ = ["assessment_table", "text_table", "wrap_width"]

#: Items in "largest contributors" and items named in a warning, at most.
MAX_ITEMS_LISTED = 5


def _plain(text: str) -> str:
    """Terminal text: the no-break joiners of the note's ranges are not needed here."""
    return text.replace("\u2060", "").replace("\u00a0", " ")


def _full(figure: Figure, lang: str) -> str:
    return _plain(render(figure, "full", lang))


def _criterion(criterion: str, lang: str) -> str:
    return f"{label(criterion + '_short', lang)} ({criterion})"


def _wrapped(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(
        text,
        wrap_width(),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def assessment_table(results: Results, lang: str = "fr") -> str:
    """Totals, tiers, phases, years, per user-year, drivers, top items, measurements, warnings."""
    words = catalogue(lang)
    colon = words.text("note.colon") + " "
    project = results.project
    dataset = results.factors_dataset
    first, last = project.years[0], project.years[-1]
    beneficiary = project.beneficiary
    out = [
        *_wrapped(
            f"{project.name} — {beneficiary.name} "
            f"({label('beneficiary_' + beneficiary.type, lang)})",
            "",
        ),
        *_wrapped(
            f"{label('horizon', lang)}{colon}{project.horizon_years} {label('years', lang)}"
            f" ({first}-{last})"
            f" · {format_quantity(results.user_years, label('user_years', lang), lang)}"
            f" · {label('factors', lang)} {dataset.name} {dataset.version}",
            "",
        ),
        "",
        label("totals", lang),
    ]
    out += text_table(
        [(_criterion(c, lang), _full(results.totals[c], lang)) for c in results.totals],
        left_columns=2,
    )
    for section, title in (
        (results.by_tier, "by_tier"),
        (results.by_phase, "by_phase"),
        (results.by_year, "by_year"),
    ):
        rows = [
            (
                key if title == "by_year" else label(key, lang),
                _full(figures["gwp"], lang),
                render(figures["gwp"], "share", lang),
            )
            for key, figures in section.items()
        ]
        out += ["", label(title, lang), *text_table(rows)]
    out += ["", label("per_user_year", lang)]
    out += text_table(
        [(_criterion(c, lang), _full(results.per_user_year[c], lang)) for c in CRITERIA],
        left_columns=2,
    )
    sci = _full(results.sci.value, lang)
    if sci == _full(results.per_user_year["gwp"], lang):
        # the same figure: said once, not a second row
        out += _wrapped(label("sci_same", lang))
    else:
        out += _wrapped(f"{label('sci', lang)}{colon}{sci}")
    if results.uncertainty is not None:
        ranges = results.uncertainty
        out += [
            "",
            *_wrapped(
                label("ranges_note", lang).format(
                    draws=format_count(ranges.draws, lang), seed=ranges.seed
                ),
                "",
            ),
        ]
    if results.drivers is not None:
        out += ["", *_drivers_table(results.drivers, lang)]
    items = results.items
    out += ["", label("top_items", lang)]
    out += text_table(
        [
            (
                items.ids[i],
                label(items.tiers[i], lang),
                _full(items.figure(i, "gwp"), lang),
                render(items.figure(i, "gwp"), "share", lang),
            )
            for i in items.ranked("gwp", MAX_ITEMS_LISTED)
        ]
    )
    out.append(f"  {label('quality', lang)}{colon}{quality_text(results.totals['gwp'], lang)}")
    if results.measurements:
        out += ["", label("measured_vs_modelled", lang)]
        out += text_table(
            [
                (
                    m.item,
                    f"{label('measured_short', lang)} {_plain(render(m.use_energy, 'value', lang))}"
                    f" ({label(m.quality, lang)})",
                    f"{label('modelled_short', lang)} "
                    f"{_plain(render(m.modelled_energy, 'value', lang))}"
                    f" ({label(next(iter(m.modelled_energy.quality), 'modelled'), lang)})",
                    _plain(render(m.measured_to_modelled, "ratio", lang))
                    if m.measured_to_modelled is not None
                    else "",
                )
                for m in results.measurements
            ]
        )
        for m in results.measurements:
            out += _wrapped(
                f"{m.item}{colon}{label('gwp_use_year', lang)} "
                f"{_plain(render(m.use_gwp, 'value', lang))} "
                f"({label('grid_of', lang)} {m.location}) · CodeCarbon "
                f"{_plain(render(m.codecarbon_gwp, 'value', lang))}"
                f" · {words.text('label.runs_count', n=m.runs)}"
            )
    mutual = results.mutualisation
    if mutual is not None:
        out += ["", words.text("mutual.title")]
        out += text_table(
            [
                (
                    member.name,
                    _plain(render(member.footprint["gwp"], "share", lang)),
                    _full(member.footprint["gwp"], lang),
                    _plain(render(member.cost, "money", lang))
                    if member.cost is not None
                    else words.text("mutual.no_cost"),
                )
                for member in mutual.members
            ]
        )
    if any(f.lower_bound for f in results.totals.values()):
        out += ["", *_wrapped(label("partial_note", lang), "")]
    out += ["", label("warnings", lang)]
    if not results.warnings:
        out.append(f"  {label('none', lang)}")
    for warning in results.warnings:
        sentence = warning_text(warning.code, warning.params, lang)
        listed = ""
        if warning.items:
            shown = list(warning.items[:MAX_ITEMS_LISTED])
            listed = ", ".join(shown)
            hidden = len(warning.items) - len(shown)
            if hidden:
                listed += " " + and_more(hidden, lang)
            listed = f" ({label('items', lang)}{colon}{listed})"
        out += _wrapped(f"[{warning.code}] {sentence}{listed}")
    return "\n".join(out) + "\n"


def _drivers_table(drivers: Drivers, lang: str) -> list[str]:
    """The inputs that drive the total: share of variance and tornado ends."""
    from ecodigital.report.note.drivers import driver_name

    unit = drivers.unit
    reference = drivers.deterministic
    rows: list[tuple[str, ...]] = [
        (
            label("driver", lang),
            label("variance_share", lang),
            label("at_p5", lang),
            label("at_p95", lang),
        )
    ]
    for record in drivers.inputs:
        ends = format_range(record.output_at_p5, record.output_at_p95, unit, reference, lang)
        low, _, high = ends.strip("[]").partition(" – ")
        rows.append(
            (
                driver_name(record, lang),
                render(Figure(record.share, "", share=record.share), "share", lang),
                low,
                high,
            )
        )
    shown_unit = format_quantity(reference, unit, lang).split(" ", 1)[-1] if reference else unit
    lines = [*_wrapped(label("drivers", lang).format(unit=shown_unit), ""), *text_table(rows)]
    if drivers.unranked_item_inputs:
        lines.append(
            "  "
            + label("unranked", lang).format(
                n=format_number(drivers.unranked_item_inputs, lang, trim=True)
            )
        )
    return lines
