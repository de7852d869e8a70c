"""The content of the responsible-digital note, ready to render in any format.

:func:`build_note_context` turns an assessment (through :func:`assessment_data`,
so every output shows the same figures) and its dossier into plain data:
strings already formatted with units, significant figures and the language's
number style. Templates only lay it out; the HTML, PDF, ODT and Markdown notes
therefore say the same thing.

Sections whose data comes from other parts of ecodigital or from optional
dossier sections (measurements, applicant, financing) each have one small
adapter function taking plain mappings; when their input is ``None`` the
section says "not provided".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital import __version__
from ecodigital.i18n import and_more, label, warning_text
from ecodigital.i18n.format import (
    format_change,
    format_change_pct,
    format_change_pct_range,
    format_change_range,
    format_number,
    format_quantity,
    format_range,
    format_share,
)
from ecodigital.report.data import uncertainty_stats
from ecodigital.vocabulary import (
    CRITERIA,
    CRITERION_COLUMN_SUFFIXES,
    CRITERION_UNITS,
    PHASES,
    TIERS,
)

if TYPE_CHECKING:
    from ecodigital.assessment import Assessment
    from ecodigital.dossier.model import Lever, RgesnAssessment

__all__ = [
    "NoteExtras",
    "applicant_section",
    "build_note_context",
    "drivers_section",
    "finance_section",
    "format_date",
    "gather_extras",
    "levers_section",
    "load_messages",
    "measurements_section",
    "rgesn_section",
    "scenarios_section",
]

_MAX_TOP_ITEMS: Final = 5
#: Inputs shown in "what drives the result" (table and tornado chart).
_MAX_DRIVERS: Final = 5
_MAX_WARNING_ITEMS: Final = 6

_MONTHS: Final = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


# --------------------------------------------------------------------------- helpers


def format_date(value: dt.date | str | None, lang: str = "fr") -> str | None:
    """A date for people: ``12 mars 2026`` or ``12 March 2026`` (``None`` stays ``None``).

    >>> format_date(dt.date(2026, 3, 1), "fr")
    '1er mars 2026'
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    day = "1er" if value.day == 1 and lang == "fr" else str(value.day)
    return f"{day} {_MONTHS.get(lang, _MONTHS['en'])[value.month - 1]} {value.year}"


def _count(value: float, lang: str) -> str:
    """A count or a duration: whole numbers without decimals (``40``, ``12 000``)."""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", "\u202f") if lang == "fr" else text
    return format_number(float(value), lang)


def _qty(value: float | None, unit: str, lang: str) -> str:
    return format_quantity(value, unit, lang)


def _figure(figure: Mapping[str, Any], lang: str, stats: Mapping[str, Any] | None = None) -> str:
    """A figure with its unit; a partial sum is shown as a lower bound (``≥``).

    With ``stats`` (Monte Carlo statistics of the same figure), its P5-P95
    range follows in the figure's unit: ``≥ 9,41 tCO2e [7,89 – 11,6]``.
    """
    text = _qty(figure.get("value"), str(figure["unit"]), lang)
    if figure.get("value") is not None and not figure.get("complete", True):
        text = f"≥\u00a0{text}"  # kept with its number across line breaks
    bounds = _bounds(figure, stats, lang)
    return f"{text} {bounds}" if bounds else text


def _unbroken(text: str) -> str:
    """A range kept on one line (no break around its dash), so table cells wrap before it."""
    # a dash allows a break after it even before a no-break space (UAX 14): hence the joiner
    return text.replace(" – ", "\u00a0–\u2060\u00a0")


def _bounds(figure: Mapping[str, Any], stats: Mapping[str, Any] | None, lang: str) -> str:
    """``[P5 – P95]`` of a figure, in the unit its value is shown in ('' without ranges)."""
    if not stats or stats.get("p5") is None or figure.get("value") is None:
        return ""
    unit = str(figure["unit"])
    return _unbroken(format_range(stats["p5"], stats["p95"], unit, figure["value"], lang))


def _interval(figure: Mapping[str, Any], stats: Mapping[str, Any] | None, lang: str) -> str:
    """``7,89 – 11,6 tCO2e``: the P5-P95 range of a figure with its unit ('—' without)."""
    bounds = _bounds(figure, stats, lang)
    if not bounds:
        return "—"
    unit = _qty(figure["value"], str(figure["unit"]), lang).split(" ", 1)[1]
    return f"{bounds.strip('[]')} {unit}"


def _scaled(stats: Mapping[str, Any] | None, divisor: float) -> dict[str, Any] | None:
    """Statistics of a figure divided by a positive constant (its percentiles scale alike)."""
    if not stats or stats.get("p5") is None or not divisor:
        return None
    return {k: v / divisor for k, v in stats.items() if k in ("p5", "p50", "p95", "mean")}


def _status_word(figure: Mapping[str, Any], t: Mapping[str, Any]) -> str:
    if figure.get("value") is None:
        return str(t["unavailable"])
    return str(t["complete"] if figure.get("complete", True) else t["partial"])


def _percent(value: float | None, lang: str) -> str | None:
    """A score in % (0-100) without false precision."""
    return None if value is None else format_share(value / 100, lang)


def _eur(amount: Any, lang: str) -> str:
    """Euros for people, from a Decimal (or text) amount in euros, exact to the cent."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    whole = value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",") + "\u00a0€"
    return f"€{text}"


def load_messages(lang: str, template_dirs: Sequence[Path] = ()) -> dict[str, Any]:
    """The note's words in ``lang`` (the catalogue's ``note.*``), overlaid by
    ``messages/<lang>.yaml`` of any user template folder."""
    import yaml

    from ecodigital.i18n import catalogue

    messages: dict[str, Any] = catalogue(lang).section("note")
    for folder in template_dirs:
        overlay = Path(folder) / "messages" / f"{lang}.yaml"
        if overlay.is_file():
            extra = yaml.safe_load(overlay.read_text(encoding="utf-8")) or {}
            if isinstance(extra, dict):
                messages.update({str(k): v for k, v in extra.items()})
    return messages


def _fill(template: str, **values: Any) -> str:
    return template.format(**values)


# --------------------------------------------------------------------------- extras


@dataclass
class NoteExtras:
    """Optional inputs computed elsewhere: ``None`` renders as "not provided".

    - ``finance``: the financing check's summary (see :func:`finance_section`);
    - ``measurements``: measurement records (see :func:`measurements_section`);
    - ``applicant``: horizontal principles, personal data and technical criteria
      (see :func:`applicant_section`).
    """

    finance: Mapping[str, Any] | None = None
    measurements: Sequence[Mapping[str, Any]] | None = None
    applicant: Mapping[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def _as_mapping(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def gather_extras(
    assessment: Assessment, finance: Mapping[str, Any] | None = None, lang: str = "fr"
) -> NoteExtras:
    """The optional sections: the financing check's summary, measurements, applicant.

    ``finance`` is :func:`ecodigital.finance.render.note_summary` of the check
    (``None`` when the dossier has no budget).
    """
    model = assessment.dossier.model
    applicant = model.applicant
    return NoteExtras(
        finance=finance,
        measurements=[_measurement_record(m, lang) for m in assessment.measurements] or None,
        applicant=_applicant_record(applicant.model_dump(), lang)
        if applicant is not None
        else None,
    )


def _measurement_record(measured: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A measurement of the assessment, in the words of :func:`measurements_section`."""
    runs = measured.get("runs")
    hours = measured.get("duration_h")
    period = None
    if runs and hours:
        minutes = hours * 60
        span = (
            f"{format_number(hours, lang, 3)} h"
            if hours >= 1
            else f"{format_number(minutes, lang, 2)} min"
        )
        period = f"{runs} {'relevés' if lang == 'fr' else 'runs'}, {span}"
    cpu = ", ".join(measured.get("cpu_methods") or [])
    return {
        "item": measured["item"],
        "what": measured["item"],
        "method": f"CodeCarbon, {'hors ligne' if lang == 'fr' else 'offline'}"
        + (f" (CPU : {cpu})" if cpu and lang == "fr" else f" (CPU: {cpu})" if cpu else ""),
        "period": period,
        "energy_kwh": measured.get("use_energy_kwh_per_year"),
        "gwp_kgco2e_per_year": measured.get("gwp_kgco2e_per_year"),
        "modelled_gwp_kgco2e_per_year": measured.get("modelled_gwp_kgco2e_per_year"),
        "quality": measured.get("quality"),
    }


_PERSONAL_DATA_WORDS: Final = {
    "fr": {
        "dpo": "Délégué à la protection des données : {}",
        "dpia": "analyse d'impact (AIPD) : {}",
        "hosting": "hébergement des données : {}",
        True: "oui",
        False: "non",
        "done": "réalisée",
        "in_progress": "en cours",
        "planned": "prévue",
        "not_required": "non requise",
        "FR": "France",
        "UE": "Union européenne",
        "hors_UE": "hors Union européenne",
    },
    "en": {
        "dpo": "Data protection officer: {}",
        "dpia": "impact assessment (DPIA): {}",
        "hosting": "data hosting: {}",
        True: "yes",
        False: "no",
        "done": "done",
        "in_progress": "in progress",
        "planned": "planned",
        "not_required": "not required",
        "FR": "France",
        "UE": "European Union",
        "hors_UE": "outside the European Union",
    },
}


def _applicant_record(applicant: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The dossier's ``applicant`` section in the shape :func:`applicant_section` reads."""
    personal = applicant.get("personal_data") or {}
    words = _PERSONAL_DATA_WORDS.get(lang, _PERSONAL_DATA_WORDS["en"])
    details = [
        words["dpo"].format(words[bool(personal["dpo"])])
        if personal.get("dpo") is not None
        else None,
        words["dpia"].format(words.get(personal["dpia"], personal["dpia"]))
        if personal.get("dpia")
        else None,
        words["hosting"].format(
            words.get(personal["hosting_location"], personal["hosting_location"])
        )
        if personal.get("hosting_location")
        else None,
        personal.get("description"),
    ]
    standards = applicant.get("open_standards") or []
    return {
        "horizontal_principles": {
            key: applicant.get(key)
            for key in ("sustainable_development", "gender_equality", "non_discrimination")
        },
        "personal_data": " ; ".join(str(d) for d in details if d) or None,
        "technical": {
            "licence": applicant.get("licence"),
            "open_standards": ", ".join(map(str, standards)) or None,
            "interoperability": applicant.get("interoperability"),
            "reuse": applicant.get("reuse"),
        },
    }


# --------------------------------------------------------------------------- sections


def _summary(
    data: Mapping[str, Any], t: Mapping[str, Any], lang: str, rgesn: Mapping[str, Any]
) -> dict[str, Any]:
    project = data["project"]
    totals = data["totals"]
    gwp = totals["gwp"]
    per_user = data["per_functional_unit"]["per_user_year"]
    sci = data["per_functional_unit"]["sci"]
    horizon = project["horizon_years"]
    first = project["start_year"]
    dataset = data["factors_dataset"]
    source = _fill(t["kf_source_model"], dataset=f"{dataset['name']} {dataset['version']}")
    quality = _quality_text(data["quality_shares"].get("gwp", {}), lang)
    per_year = dict(gwp)
    if per_year["value"] is not None:
        per_year["value"] = per_year["value"] / horizon
    gwp_stats = uncertainty_stats(data, "totals", criterion="gwp")
    per_user_stats = uncertainty_stats(data, "per_user_year", criterion="gwp")
    key_figures = [
        {
            "label": t[key],
            "value": _figure(figure, lang),
            "range": _interval(figure, stats, lang),
            "source": source,
            "quality": quality,
        }
        for key, figure, stats in (
            ("kf_total", gwp, gwp_stats),
            ("kf_per_year", per_year, _scaled(gwp_stats, horizon)),
            ("kf_per_user_year", per_user["gwp"], per_user_stats),
            ("kf_sci", sci, uncertainty_stats(data, "sci")),
        )
    ]
    if rgesn["provided"]:
        key_figures.append(
            {
                "label": t["kf_rgesn"],
                "value": rgesn["score"],
                "range": "—",
                "source": t["kf_source_rgesn"],
                "quality": label("declared", lang),
            }
        )
    total = gwp["value"] or 0.0
    top = [
        {
            "item": str(record["item"]),
            "tier": label(str(record["tier"]), lang),
            "value": _figure(record, lang, uncertainty_stats(data, "by_item", item=record["item"])),
            "share": format_share(
                record["value"] / total if record["value"] and total else None, lang
            ),
        }
        for record in data["by_item"]
        if record["criterion"] == "gwp"
    ][:_MAX_TOP_ITEMS]
    partial = any(not f["complete"] for f in totals.values() if f["value"] is not None)
    return {
        "lead": _fill(
            t["summary_lead"],
            horizon=horizon,
            first=first,
            last=first + horizon - 1,
            gwp=_figure(gwp, lang, gwp_stats),
            per_user=_figure(per_user["gwp"], lang, per_user_stats),
            user_years=_count(per_user["user_years"]["value"], lang),
        ),
        "partial_note": t["summary_partial"] if partial else None,
        "key_figures": key_figures,
        "ranges": bool(data.get("uncertainty")),
        "ranges_note": _ranges_note(data, t, lang),
        "top": top,
    }


def _ranges_note(data: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> str:
    """What the ranges are, or that none was computed."""
    ranges = data.get("uncertainty")
    if not ranges:
        return str(t["ranges_none"])
    return _fill(t["ranges_note"], draws=_count(ranges["draws"], lang), seed=ranges["seed"])


def _quality_text(shares: Mapping[str, float], lang: str) -> str:
    if not shares:
        return label("not_available", lang)
    ordered = sorted(shares.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{label(q, lang)} {format_share(s, lang)}" for q, s in ordered)


def _scope(
    assessment: Assessment, data: Mapping[str, Any], t: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    project = data["project"]
    items = assessment.dossier.items
    horizon = project["horizon_years"]
    start = project["start_year"]
    default = "—"
    tiers = []
    tier_of = assessment.result.rows.drop_duplicates("item").set_index("item")["tier"].astype(str)
    for tier in TIERS:
        rows = []
        for record in items.to_dict(orient="records"):
            if tier_of.get(record["id"]) != tier:
                continue
            first = record.get("first_year")
            last = record.get("last_year")
            active = (
                f"{start + int(first) - 1}-{start + int(last) - 1}"
                if first == first and first is not None and last == last and last is not None
                else f"{start}-{start + horizon - 1}"
            )
            lifetime = record.get("lifetime_years")
            rows.append(
                {
                    "id": str(record["id"]),
                    "kind": str(record["kind"]),
                    "quantity": _count(float(record["quantity"]), lang),
                    "allocation": format_share(float(record["allocation"]), lang),
                    "lifetime": (
                        f"{_count(float(lifetime), lang)} {label('years', lang)}"
                        if lifetime == lifetime and lifetime is not None
                        else default
                    ),
                    "years": active,
                }
            )
        tiers.append({"name": label(tier, lang), "items": rows})
    users = [
        {"year": start + i, "users": _count(u, lang)}
        for i, u in enumerate(project["users_per_year"])
    ]
    description = assessment.dossier.model.project.description
    return {
        "description": description,
        "functional_unit": _fill(
            t["functional_unit"], horizon=horizon, duration=project["duration_years"]
        ),
        "users": users,
        "tiers": tiers,
        "phases": [label(p, lang) for p in PHASES],
        "out_of_scope": list(t["out_of_scope"]),
    }


def _method(data: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    dataset = data["factors_dataset"]
    shares = data["quality_shares"].get("gwp", {})
    return {
        "dataset": _fill(
            t["dataset_text"],
            name=dataset["name"],
            version=dataset["version"],
            date=format_date(dataset["date"], lang) or dataset["date"],
        ),
        "user_files": (
            _fill(
                t["user_files_text"], files=", ".join(Path(f).name for f in dataset["user_files"])
            )
            if dataset.get("user_files")
            else None
        ),
        "formulas": list(t["formulas"]),
        "electricity": [
            {
                "country": str(row["country"]),
                "factor": _qty(row["gwp_per_kwh"], "kgCO2e/kWh", lang),
                "source": str(row["source"]),
                "year": str(row["year"]),
            }
            for row in data["electricity"]
        ],
        "qualities": [
            {"label": label(q, lang), "share": format_share(shares.get(q, 0.0), lang)}
            for q in ("measured", "estimated-by-codecarbon", "modelled", "declared")
        ],
    }


def _table_by(
    data: Mapping[str, Any],
    section: str,
    key: str,
    order: Sequence[Any],
    total_gwp: float,
    lang: str,
) -> list[dict[str, Any]]:
    records: Sequence[Mapping[str, Any]] = data[section]
    by_key: dict[Any, dict[str, Mapping[str, Any]]] = {}
    for record in records:
        by_key.setdefault(record[key], {})[record["criterion"]] = record
    rows = []
    for name in order:
        cells = by_key.get(name, {})
        if not cells:
            continue
        gwp = cells.get("gwp")
        share = gwp["value"] / total_gwp if gwp and gwp["value"] is not None and total_gwp else None
        rows.append(
            {
                "name": label(str(name), lang),
                "cells": [
                    _figure(
                        cells[c],
                        lang,
                        uncertainty_stats(data, section, **{key: name, "criterion": c}),
                    )
                    if c in cells
                    else _qty(None, CRITERION_UNITS[c], lang)
                    for c in CRITERIA
                ],
                "share": format_share(share, lang),
            }
        )
    return rows


def _results(data: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    project = data["project"]
    totals = data["totals"]
    per_user = data["per_functional_unit"]["per_user_year"]
    total_gwp = totals["gwp"]["value"] or 0.0
    criteria = [
        {
            "label": label(c, lang),
            "code": c,
            "total": _figure(totals[c], lang, uncertainty_stats(data, "totals", criterion=c)),
            "per_user_year": _figure(
                per_user[c], lang, uncertainty_stats(data, "per_user_year", criterion=c)
            ),
            "status": _status_word(totals[c], t),
            "quality": _quality_text(data["quality_shares"].get(c, {}), lang),
        }
        for c in CRITERIA
    ]
    sci_years = {y["year"]: y for y in data["per_functional_unit"]["sci"]["by_year"]}
    sci_ranges = {y["year"]: y for y in (uncertainty_stats(data, "sci") or {}).get("by_year", [])}
    years = []
    for record in data["by_year"]:
        if record["criterion"] != "gwp":
            continue
        year = int(record["year"])
        sci = sci_years.get(year, {})
        share = record["value"] / total_gwp if record["value"] is not None and total_gwp else None
        years.append(
            {
                "year": str(project["start_year"] + year - 1),
                "users": _count(project["users_per_year"][year - 1], lang),
                "gwp": _figure(
                    record, lang, uncertainty_stats(data, "by_year", year=year, criterion="gwp")
                ),
                "share": format_share(share, lang),
                "sci": _figure(sci, lang, sci_ranges.get(year))
                if sci
                else _qty(None, "kgCO2e/user", lang),
            }
        )
    return {
        "criteria_columns": [str(t[f"short_{c}"]) for c in CRITERIA],
        "criteria": criteria,
        "by_tier": _table_by(data, "by_tier", "tier", TIERS, total_gwp, lang),
        "by_phase": _table_by(data, "by_phase", "phase", PHASES, total_gwp, lang),
        "by_year": years,
        "ranges_note": _ranges_note(data, t, lang),
    }


def measurements_section(
    records: Sequence[Mapping[str, Any]] | None,
    assessment: Assessment,
    t: Mapping[str, Any],
    lang: str,
) -> dict[str, Any]:
    """Measurement records, compared with the modelled use phase of the same item.

    A record is a mapping with, all optional: ``item`` (an inventory id),
    ``what``, ``method`` (tool and mode, e.g. "CodeCarbon 3.3, offline"),
    ``period``, ``energy_kwh``, ``gwp_kgco2e``, ``gwp_kgco2e_per_year`` and
    ``quality`` (``measured`` or ``estimated-by-codecarbon``). When a record
    has ``item`` and ``gwp_kgco2e_per_year``, it is compared with the model's
    average yearly use-phase climate-change impact of that item.
    """
    if not records:
        return {"provided": False, "rows": []}
    rows = assessment.rows
    use = rows[(rows["criterion"] == "gwp") & (rows["phase"] == "use")]
    rows_out = []
    for record in records:
        item = record.get("item")
        modelled = record.get("modelled_gwp_kgco2e_per_year")
        if modelled is None and item is not None:
            mine = use[use["item"].astype(str) == str(item)]
            active = mine[mine["value"].notna() & (mine["value"] > 0)]
            if len(active):
                modelled = float(active["value"].sum()) / active["year"].nunique()
        measured_year = record.get("gwp_kgco2e_per_year")
        ratio = (
            format_number(float(measured_year) / modelled, lang, 2)
            if measured_year is not None and modelled
            else None
        )
        quality = record.get("quality")
        rows_out.append(
            {
                "what": str(record.get("what") or item or "—"),
                "method": str(record.get("method") or "—"),
                "period": str(record.get("period") or "—"),
                "energy": _qty(record.get("energy_kwh"), "kWh", lang),
                "gwp": _qty(
                    measured_year if measured_year is not None else record.get("gwp_kgco2e"),
                    "kgCO2e/an"
                    if measured_year is not None and lang == "fr"
                    else "kgCO2e/year"
                    if measured_year is not None
                    else "kgCO2e",
                    lang,
                ),
                "modelled": _qty(modelled, "kgCO2e/an" if lang == "fr" else "kgCO2e/year", lang),
                "ratio": ratio or "—",
                "quality": label(str(quality), lang) if quality else "—",
            }
        )
    return {"provided": True, "rows": rows_out}


def rgesn_section(
    rgesn: RgesnAssessment | None, service: str, t: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """Score, families, action plan and eco-design declaration of the RGESN answers."""
    from ecodigital.rgesn.criteria import REFERENCE, family_label, load_criteria, priority_label
    from ecodigital.rgesn.score import score_answers

    if rgesn is None or not rgesn.answers:
        return {"provided": False}
    answers = rgesn.answers
    result = score_answers(answers)
    criteria = {c.id: c for c in load_criteria()}

    def pct(value: float | None) -> str:
        return _percent(value, lang) or str(t["rgesn_no_score"])

    families = []
    for family in result.families:
        counts = family.counts
        families.append(
            {
                "key": family.family,
                "name": family_label(family.family, lang),
                "validated": counts.get("conforme", 0),
                "not_validated": counts.get("non_conforme", 0),
                "not_applicable": counts.get("non_applicable", 0),
                "to_assess": counts.get("a_evaluer", 0),
                "unanswered": counts.get("unanswered", 0),
                "score": _percent(family.score, lang) or "—",
                "score_value": family.score,
            }
        )
    answered = []
    actions = []
    for criterion in load_criteria():
        answer = answers.get(criterion.id)
        if answer is None:
            continue
        row = {
            "id": criterion.id,
            "label": criterion.label(lang),
            "family": family_label(criterion.family, lang),
            "priority": priority_label(criterion.priority, lang),
            "status": t[f"status_{answer.status}"],
            "status_code": answer.status,
            "justification": answer.justification or "—",
        }
        answered.append(row)
        if answer.action:
            actions.append(
                {
                    **row,
                    "action": answer.action,
                    "due": format_date(answer.due, lang) or "—",
                    "due_sort": answer.due.isoformat() if answer.due else "9999",
                    "owner": answer.owner or "—",
                    "is_priority": criteria[criterion.id].priority == "Prioritaire",
                }
            )
    actions.sort(key=lambda a: (a["due_sort"], criteria[a["id"]].sort_key))
    counts = result.overall.counts
    target = None
    if rgesn.target_score is not None:
        target = _fill(
            t["decl_target_text"],
            score=_percent(rgesn.target_score, lang),
            date=format_date(rgesn.target_date, lang) or "—",
        )
    declaration = [
        (t["decl_service"], service),
        (t["decl_date"], format_date(rgesn.assessed_on, lang) or "—"),
        (t["decl_reference"], REFERENCE),
        (t["decl_counts"], f"{counts.get('conforme', 0)} / {counts.get('non_conforme', 0)}"),
        (t["decl_na"], str(counts.get("non_applicable", 0))),
        (t["decl_score"], pct(result.score)),
        (t["decl_previous"], _percent(rgesn.previous_score, lang) or "—"),
        (t["decl_target"], target or "—"),
        (t["decl_review"], rgesn.review_frequency or "—"),
        (t["decl_referent"], rgesn.referent or "—"),
        (t["decl_samples"], "; ".join(rgesn.samples) if rgesn.samples else "—"),
    ]
    return {
        "provided": True,
        "score": pct(result.score),
        "score_value": result.score,
        "families": families,
        "answered": answered,
        "actions": actions,
        "priority_actions": [a for a in actions if a["is_priority"]][:_MAX_TOP_ITEMS],
        "declaration": [{"label": k, "value": v} for k, v in declaration],
    }


def _driver_name(record: Mapping[str, Any], t: Mapping[str, Any]) -> str:
    """An uncertain input in words: its kind, what it is and, for parameters, which."""
    kind = str(record["kind"])
    key = str(record["key"])
    rest = key.partition(":")[2]
    if kind in ("default", "range"):
        name, _, parameter = rest.rpartition(":")
        words = t["driver_parameters"]
        text = _fill(t[f"driver_{kind}"], parameter=words.get(parameter, parameter), name=name)
    elif kind in ("factor", "grid"):
        text = _fill(t[f"driver_{kind}"], name=rest)
    else:
        text = str(record.get("label") or key)
    return text[:1].upper() + text[1:]


def drivers_section(
    drivers: Mapping[str, Any] | None, t: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """The inputs that drive the total (``data["drivers"]``, see ``rank_drivers``): the
    first few, each with its share of variance and the total at its P5 and at its P95."""
    if not drivers:
        return {"provided": False, "rows": [], "text": str(t["drivers_none"])}
    unit = str(drivers["unit"])
    reference = drivers.get("deterministic")
    shown = _qty(reference, unit, lang).split(" ", 1)[-1] if reference is not None else unit
    rows = []
    for record in drivers["inputs"][:_MAX_DRIVERS]:
        ends = format_range(record["output_at_p5"], record["output_at_p95"], unit, reference, lang)
        low, _, high = ends.strip("[]").partition(" – ")
        rows.append(
            {
                "input": _driver_name(record, t),
                "share": format_share(record["share"], lang),
                "at_p5": low,
                "at_p95": high,
                "at_p5_kgco2e": float(record["output_at_p5"]),
                "at_p95_kgco2e": float(record["output_at_p95"]),
            }
        )
    return {
        "provided": True,
        "rows": rows,
        "text": _fill(
            t["drivers_intro"] if rows else t["drivers_flat"],
            n=len(rows),
            draws=_count(drivers["draws"], lang),
            reference=_qty(reference, unit, lang),
        ),
        "unit": shown,
        "at_p5_title": _fill(t["total_at_p5"], unit=shown),
        "at_p95_title": _fill(t["total_at_p95"], unit=shown),
        "reference_kgco2e": reference,
    }


def _scenario_row(name: str, record: Mapping[str, Any], lang: str, users: float) -> dict[str, Any]:
    """One line of the scenarios table: climate change, total and per user-year."""

    def stats(bounds: Sequence[float] | None) -> dict[str, float] | None:
        return {"p5": bounds[0], "p95": bounds[1]} if bounds else None

    unit = str(record["unit"])
    total = {"value": record["value"], "unit": unit, "complete": record["complete"]}
    per_user = {
        "value": record["per_user_year"],
        "unit": f"{unit}/user-year",
        "complete": record["complete"],
    }
    change = record.get("change")
    change_range = record.get("change_range")
    per_user_change = record.get("change_per_user_year")
    return {
        "name": name,
        "total": _figure(total, lang, stats(record.get("range"))),
        "per_user_year": _figure(per_user, lang, stats(record.get("per_user_year_range"))),
        "change": " ".join(
            part
            for part in (
                format_change(change, unit, lang),
                _unbroken(format_change_range(change_range, unit, change, lang)),
            )
            if part
        ),
        "change_pct": " ".join(
            part
            for part in (
                format_change_pct(record.get("change_pct"), lang),
                _unbroken(format_change_pct_range(record.get("change_pct_range"), lang)),
            )
            if part
        ),
        "change_per_user_year": " ".join(
            part
            for part in (
                format_change(per_user_change, f"{unit}/user-year", lang),
                _unbroken(
                    format_change_range(
                        [v / users for v in change_range] if change_range and users else None,
                        f"{unit}/user-year",
                        per_user_change,
                        lang,
                    )
                ),
            )
            if part
        ),
    }


def scenarios_section(
    scenarios: Mapping[str, Any] | None, t: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """The dossier's scenarios against the baseline, and the standard levers it does not
    study yet, on climate change (``compare_scenarios`` data; ``None``: no scenarios)."""
    from ecodigital.report.scenarios import lever_name

    if not scenarios or not scenarios.get("scenarios"):
        return {"provided": False}
    users = float(scenarios.get("user_years") or 0.0)
    baseline = _scenario_row(
        str(t["baseline"]), scenarios["baseline"]["criteria"]["gwp"], lang, users
    )
    baseline.update(change="—", change_pct="—", change_per_user_year="—")
    rows = [baseline] + [
        _scenario_row(str(s["name"]), s["criteria"]["gwp"], lang, users)
        for s in scenarios["scenarios"]
    ]
    levers = [
        _scenario_row(
            lever_name(lever, lang),
            lever["criteria"]["gwp"],
            lang,
            users,
        )
        for lever in scenarios.get("levers", [])
    ]
    draws = scenarios.get("draws")
    note = (
        _fill(t["scenarios_ranges"], draws=_count(draws, lang), seed=scenarios["seed"])
        if draws
        else str(t["ranges_none"])
    )
    return {"provided": True, "rows": rows, "levers": levers, "note": note}


def levers_section(levers: Sequence[Lever], lang: str) -> dict[str, Any]:
    """The reduction levers the applicant commits to."""
    if not levers:
        return {"provided": False, "rows": []}
    return {
        "provided": True,
        "rows": [
            {
                "title": lever.title,
                "description": lever.description or "",
                "scope": " · ".join(
                    label(x, lang) for x in (lever.tier, lever.phase) if x is not None
                )
                or "—",
                "expected": (
                    _qty(lever.expected_gwp_kgco2e, "kgCO2e", lang)
                    if lever.expected_gwp_kgco2e is not None
                    else "—"
                ),
                "indicator": lever.indicator or "—",
                "due": format_date(lever.due, lang) or "—",
            }
            for lever in levers
        ],
    }


def applicant_section(applicant: Mapping[str, Any] | None, t: Mapping[str, Any]) -> dict[str, Any]:
    """Horizontal principles, personal data and technical criteria, as declared.

    ``applicant`` is a mapping with, all optional:
    ``horizontal_principles: {sustainable_development, gender_equality,
    non_discrimination}``, ``personal_data`` (text) and ``technical:
    {licence, open_standards, interoperability, reuse}``. Missing answers show
    as "not provided".
    """
    applicant = applicant or {}
    missing = str(t["not_provided"])
    horizontal = applicant.get("horizontal_principles") or {}
    technical = applicant.get("technical") or {}
    return {
        "provided": bool(applicant),
        "horizontal": [
            {"label": t[key], "text": str(horizontal.get(key) or missing)}
            for key in ("sustainable_development", "gender_equality", "non_discrimination")
        ],
        "personal_data": str(applicant.get("personal_data") or missing),
        "technical": [
            {"label": t[key], "text": str(technical.get(key) or missing)}
            for key in ("licence", "open_standards", "interoperability", "reuse")
        ],
    }


def finance_section(
    finance: Mapping[str, Any] | None, t: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """The financing check's summary.

    ``finance`` is a mapping with: ``ok`` (bool), ``amounts`` (a list of
    ``{label, eur}`` with ``eur`` a :class:`~decimal.Decimal` in euros) and
    ``checks`` (a list of ``{code, label, status: pass|fail|warn, message}``).
    """
    if finance is None:
        return {"provided": False}
    status_words = {
        "pass": t["check_pass"],
        "fail": t["check_fail"],
        "warn": t["check_warn"],
        "na": t["check_na"],
    }
    return {
        "provided": True,
        "verdict": t["finance_verdict_ok"] if finance.get("ok") else t["finance_verdict_fail"],
        "amounts": [
            {"label": str(a["label"]), "value": _eur(a["eur"], lang)}
            for a in finance.get("amounts", [])
        ],
        "checks": [
            {
                "label": str(c.get("label") or c.get("code", "")),
                "status": status_words.get(str(c.get("status")), str(c.get("status"))),
                "message": str(c.get("message") or ""),
            }
            for c in finance.get("checks", [])
        ],
    }


def _indicators(data: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    project = data["project"]
    institutions = project.get("institutions")
    users = project["users_per_year"]
    target = float(users[-1]) if users else 0.0
    gwp = data["totals"]["gwp"]
    per_target = dict(gwp, unit="kgCO2e/user")
    per_target["value"] = gwp["value"] / target if gwp["value"] is not None and target else None
    per_target_stats = _scaled(uncertainty_stats(data, "totals", criterion="gwp"), target)
    last_year = project["start_year"] + project["horizon_years"] - 1
    return [
        {
            "label": t["rco14"],
            "value": (
                f"{_count(institutions, lang)} {t['institutions_unit']}"
                if institutions is not None
                else str(t["not_provided"])
            ),
            "note": "",
        },
        {
            "label": t["rcr11"],
            "value": f"{_count(target, lang)} {t['users_per_year_unit']}",
            "note": _fill(t["rcr11_basis"], year=last_year),
        },
        {
            "label": t["footprint_per_rcr11"],
            "value": _figure(per_target, lang, per_target_stats),
            "note": "",
        },
    ]


def _localised(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Warning parameters with numbers in the language's style (1,46 in French)."""
    return {
        key: format_number(value, lang, 3)
        if isinstance(value, float) and not isinstance(value, bool)
        else value
        for key, value in params.items()
    }


def _limits(data: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> dict[str, Any]:
    warnings = []
    for warning in data["warnings"]:
        items = list(warning.get("items") or [])
        shown = items[:_MAX_WARNING_ITEMS]
        hidden = len(items) - len(shown)
        items_text = ", ".join(shown)
        if hidden:
            items_text += " " + and_more(hidden, lang)
        warnings.append(
            {
                "code": warning["code"],
                "text": warning_text(warning["code"], _localised(warning["params"], lang), lang),
                "items": items_text,
            }
        )
    return {"warnings": warnings, "limits": list(t["limits"])}


#: The factor columns of impacts: (criterion, phase) by column name (``gwp_use_kgco2e``).
_IMPACT_COLUMNS: Final = {
    f"{c}_{p}_{CRITERION_COLUMN_SUFFIXES[c]}": (c, p) for c in CRITERIA for p in PHASES
}


def _annex(data: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    rows = []
    for factor in data["factors_used"]:
        values = []
        for key, value in factor.get("values", {}).items():
            if key not in _IMPACT_COLUMNS:
                continue
            criterion, phase = _IMPACT_COLUMNS[key]
            amount = format_quantity(value, CRITERION_UNITS[criterion], lang)
            name = t.get(f"short_{criterion}", criterion)
            values.append(f"{name} {label(phase, lang).lower()} {amount}")
        for parameter, unit in (
            ("power_w", "W"),
            ("lifetime_years", label("years", lang)),
            ("pue", ""),
        ):
            if factor.get(parameter) is not None:
                name = {"power_w": "P", "lifetime_years": "", "pue": "PUE"}[parameter]
                values.append(f"{name} {_count(factor[parameter], lang)} {unit}".strip())
        low, high = factor.get("uncertainty_low"), factor.get("uncertainty_high")
        rows.append(
            {
                "id": str(factor["id"]),
                "label": str(factor["label"]),
                "basis": str(factor["basis"]),
                "values": " · ".join(values) or "—",
                "source": str(factor["source_title"] or factor["source"]),
                "url": str(factor.get("source_url") or ""),
                "year": str(factor["source_year"]),
                "licence": str(factor["licence"]),
                "uncertainty": (
                    f"×{format_number(low, lang, 2)} – ×{format_number(high, lang, 2)}"
                    if low is not None and high is not None
                    else "—"
                ),
            }
        )
    return rows


# --------------------------------------------------------------------------- context


def build_note_context(
    assessment: Assessment,
    data: Mapping[str, Any],
    payload: Mapping[str, Any],
    *,
    lang: str = "fr",
    today: dt.date | None = None,
    extras: NoteExtras | None = None,
    template_dirs: Sequence[Path] = (),
) -> dict[str, Any]:
    """Everything the note templates show, formatted for ``lang``."""
    extras = extras or NoteExtras()
    t = load_messages(lang, template_dirs)
    model = assessment.dossier.model
    project = data["project"]
    dataset = data["factors_dataset"]
    today = today or dt.date.today()
    rgesn = rgesn_section(model.rgesn, project["name"], t, lang)
    return {
        "lang": lang,
        "t": t,
        "meta": {
            "title": t["document_title"],
            "project": project["name"],
            "beneficiary": project["beneficiary"]["name"],
            "generated_on": _fill(
                t["generated_on"], date=format_date(today, lang), version=__version__
            ),
            "factors_line": _fill(
                t["factors_line"],
                name=dataset["name"],
                version=dataset["version"],
                date=format_date(dataset["date"], lang) or dataset["date"],
            ),
            "horizon": project["horizon_years"],
            "digest": payload["digest"]["value"],
            "payload_format": payload["format"],
        },
        "summary": _summary(data, t, lang, rgesn),
        "scope": _scope(assessment, data, t, lang),
        "method": _method(data, t, lang),
        "results": _results(data, t, lang),
        "measurements": measurements_section(extras.measurements, assessment, t, lang),
        "rgesn": rgesn,
        "levers": levers_section(model.levers, lang),
        "drivers": drivers_section(data.get("drivers"), t, lang),
        "scenarios": scenarios_section(data.get("scenarios"), t, lang),
        "applicant": applicant_section(extras.applicant, t),
        "finance": finance_section(extras.finance, t, lang),
        "indicators": _indicators(data, t, lang),
        "limits": _limits(data, t, lang),
        "annex": _annex(data, t, lang),
    }
