"""Scope: what the service is, its functional unit, its users and its inventory by tier."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n import label
from ecodigital.report.note.common import Page
from ecodigital.vocabulary import PHASES, TIERS

__all__ = ["scope_section"]


def scope_section(page: Page) -> dict[str, Any]:
    results = page.results
    project = results.project
    lang = page.lang
    start = project.start_year
    inputs = results.inputs
    by_tier: dict[str, list[dict[str, Any]]] = {tier: [] for tier in TIERS}
    inventory = list(inputs.standalone.get("inventory") or []) if inputs is not None else []
    described = {str(item.get("id")): item for item in inventory if isinstance(item, dict)}
    items = results.items
    for i, item_id in enumerate(items.ids):
        record = described.get(item_id, {})
        years = record.get("years")
        first = int(record.get("first_year") or (years[0] if years else 1))
        last = int(record.get("last_year") or (years[1] if years else project.horizon_years))
        lifetime = record.get("lifetime_years")
        by_tier[items.tiers[i]].append(
            {
                "id": item_id,
                "kind": label("kind_" + items.kinds[i], lang)
                + (page.words("owned_by_users") if record.get("owner") == "users" else ""),
                "quantity": _declared(page, record.get("quantity", 1), "count"),
                "allocation": _declared(page, record.get("allocation", 1), "allocation"),
                "lifetime": (
                    f"{_declared(page, lifetime, 'count')} {label('years', lang)}"
                    if lifetime is not None
                    else "—"
                ),
                "years": f"{start + first - 1}-{start + last - 1}",
            }
        )
    return {
        "description": project.description,
        "functional_unit": page.fill(
            "functional_unit", horizon=project.horizon_years, duration=project.duration_years
        ),
        "users": [
            {"year": year, "users": page.value(users, "count", f"project.users_per_year[{y}]")}
            for y, (year, users) in enumerate(
                zip(project.years, project.users_per_year, strict=True)
            )
        ],
        "tiers": [
            {"name": label(tier, lang), "items": rows} for tier, rows in by_tier.items() if rows
        ],
        "phases": [label(p, lang) for p in PHASES],
        "out_of_scope": list(page.t["out_of_scope"]),
    }


def _declared(page: Page, value: Any, view: str) -> str:
    """A value the dossier declares, as written (a range shows its bounds)."""
    from ecodigital.i18n.format import format_count, format_share

    if isinstance(value, dict):
        low, high = float(value.get("low") or 0.0), float(value.get("high") or 0.0)
        if view == "allocation":
            return f"{format_share(low, page.lang)} – {format_share(high, page.lang)}"
        return f"{format_count(low, page.lang)} – {format_count(high, page.lang)}"
    if view == "allocation":
        return format_share(float(value), page.lang)
    return format_count(float(value), page.lang)
