"""Horizontal principles, personal data and technical criteria, as the applicant declares them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecodigital.report.note.common import Page

if TYPE_CHECKING:
    from ecodigital.finance.model import PersonalData

__all__ = ["applicant_section"]

_PRINCIPLES = ("sustainable_development", "gender_equality", "non_discrimination")
_TECHNICAL = ("licence", "open_standards", "interoperability", "reuse")


def applicant_section(page: Page) -> dict[str, Any]:
    """Each answer of the dossier's ``applicant`` section; a missing one says so."""
    inputs = page.results.inputs
    applicant = inputs.dossier.applicant if inputs is not None else None
    missing = page.words("not_provided")
    if applicant is None:
        return {
            "provided": False,
            "horizontal": [{"label": page.words(k), "text": missing} for k in _PRINCIPLES],
            "personal_data": missing,
            "technical": [{"label": page.words(k), "text": missing} for k in _TECHNICAL],
        }
    personal = applicant.personal_data
    details: list[str] = []
    if personal is not None:
        if personal.dpo is not None:
            details.append(
                str(
                    page.fill(
                        "pd_dpo", answer=page.words("word_yes" if personal.dpo else "word_no")
                    )
                )
            )
        if personal.dpia:
            details.append(str(page.fill("pd_dpia", answer=page.words(f"pd_dpia_{personal.dpia}"))))
        if personal.hosting_location:
            details.append(str(page.fill("pd_hosting", answer=_hosting(page, personal))))
        if personal.description:
            details.append(personal.description)
    standards = ", ".join(applicant.open_standards or [])
    technical = {
        "licence": applicant.licence,
        "open_standards": standards or None,
        "interoperability": applicant.interoperability,
        "reuse": applicant.reuse,
    }
    return {
        "provided": True,
        "horizontal": [
            {"label": page.words(k), "text": getattr(applicant, k, None) or missing}
            for k in _PRINCIPLES
        ],
        "personal_data": " ; ".join(details) if details else missing,
        "technical": [
            {"label": page.words(k), "text": technical[k] or missing} for k in _TECHNICAL
        ],
    }


def _hosting(page: Page, personal: PersonalData) -> str:
    """Where the data are hosted: the country's name, and the EU zone when not France."""
    from ecodigital.countries import country_name

    where, zone = personal.hosting_location, personal.hosting_zone
    if where in ("UE", "hors_UE") or zone is None or where is None:
        return str(page.words(f"pd_hosting_{zone}"))
    if zone == "FRA":
        return country_name("FRA", page.lang)
    return f"{country_name(where, page.lang)} ({page.words(f'pd_hosting_{zone}')})"
