"""Mutualisation: each member's share of the footprint and of the cost."""

from __future__ import annotations

from typing import Any

from ecodigital.i18n import label
from ecodigital.report.note.common import Page
from ecodigital.vocabulary import CRITERIA

__all__ = ["mutual_section"]


def mutual_section(page: Page) -> dict[str, Any]:
    """The members' table and, criterion by criterion, each member's footprint."""
    from ecodigital.i18n import catalogue

    mutual = page.results.mutualisation
    if mutual is None:
        return {"provided": False}
    words = catalogue(page.lang).section("mutual")
    members = []
    for i, member in enumerate(mutual.members):
        at = f"mutualisation.members[{i}]"
        members.append(
            {
                "name": member.name,
                "type": label(f"beneficiary_{member.type}", page.lang),
                "key_value": "—"
                if member.key_value is None
                else page.value(member.key_value, "count", f"{at}.key_value"),
                "share": page.fig(f"{at}.footprint.gwp", "share"),
                "gwp": page.fig(f"{at}.footprint.gwp", "full"),
                "cost": words["no_cost"]
                if member.cost is None
                else page.value(member.cost, "money", f"{at}.cost"),
            }
        )
    return {
        "provided": True,
        "words": words,
        "intro": words["intro"].format(n=len(mutual.members), key=words["key"][mutual.key]),
        "members": members,
        "total_gwp": page.fig("totals.gwp", "full"),
        "total_cost": words["no_cost"]
        if mutual.total_cost is None
        else page.value(mutual.total_cost, "money", "mutualisation.total_cost"),
        "criteria_names": [member.name for member in mutual.members],
        "criteria": [
            {
                "label": page.words(f"short_{c}"),
                "cells": [
                    page.fig(f"mutualisation.members[{i}].footprint.{c}", "value")
                    for i in range(len(mutual.members))
                ],
                "total": page.fig(f"totals.{c}", "value"),
            }
            for c in CRITERIA
        ],
    }
