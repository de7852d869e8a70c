"""A call's financing rules as data: the schema of a rules file and its loader.

A rules file (YAML, ``format: ecodigital-finance-rules/1``) holds every
threshold and list the financing check uses, so that another call or another
region needs a new file, not new code. The files shipped with ecodigital are in
``ecodigital/finance/rules/``; ``docs/finance.md`` documents every field.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ecodigital.errors import InputError
from ecodigital.finance.model import (
    EXPENSE_CATEGORIES,
    HORIZONTAL_PRINCIPLES,
    PERSONAL_DATA_FIELDS,
    RESOURCE_SOURCES,
    FieldProblem,
    parse_amount,
)
from ecodigital.i18n import Msg
from ecodigital.vocabulary import BENEFICIARY_TYPES

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "DEFAULT_RULES",
    "RULES_FORMAT",
    "Rules",
    "VatMode",
    "load_rules",
    "parse_rules_text",
    "shipped_rules",
]

RULES_FORMAT: Final = "ecodigital-finance-rules/1"
#: File name of the default rules (in ``ecodigital/finance/rules/``).
DEFAULT_RULES: Final = "feder-bfc-2021-2027-e-gouvernement.yaml"

#: When VAT is an eligible cost: only when the beneficiary cannot recover it,
#: never, or always (even when recovered).
VatMode = Literal["when_not_recoverable", "never", "always"]


def _parse_percent(value: object) -> Decimal:
    percent = parse_amount(value)
    if percent > 100:
        raise FieldProblem(
            Msg("finance.input.percent_over", {"value": str(percent)}),
            Msg("finance.input.percent_fix"),
        )
    return percent


Amount = Annotated[Decimal, BeforeValidator(parse_amount)]
Percent = Annotated[Decimal, BeforeValidator(_parse_percent)]
Category = Literal[EXPENSE_CATEGORIES]  # type: ignore[valid-type]
Source = Literal[RESOURCE_SOURCES]  # type: ignore[valid-type]
BeneficiaryType = Literal[BENEFICIARY_TYPES]  # type: ignore[valid-type]
Requirement = Literal["required", "preferred", "not_checked"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class CallSource(_Strict):
    """Where the rules come from."""

    title: str = Field(min_length=1, description="Title of the call or programme document.")
    url: str | None = Field(None, description="Where the call is published.")
    date: str | None = Field(None, description="Date of the version read (YYYY-MM-DD).")


class GrantRules(_Strict):
    """The grant under check (FEDER for this call)."""

    source: Source = Field("feder", description="The resource source of the grant.")
    name: str = Field("FEDER", min_length=1, description="Name shown in reports.")
    min_eur: Amount | None = Field(None, description="Smallest grant, EUR (null: no floor).")
    max_rate_percent: Percent = Field(description="Largest grant, % of the total eligible cost.")


class PublicAidRules(_Strict):
    """The cap on all public money together."""

    max_rate_percent: Percent = Field(description="Largest public aid, % of the eligible cost.")
    public_sources: list[Source] = Field(description="Resource sources that are public aid.")
    self_financing_is_public_for: list[BeneficiaryType] = Field(
        default_factory=list,
        description="Beneficiary types whose self-financing counts as public aid.",
    )


class IndirectCostRules(_Strict):
    """Indirect costs at a flat rate (CPR Art. 54(a))."""

    flat_rate_percent: Percent | None = Field(
        None, description="Flat rate, % of eligible direct costs (null: no flat rate)."
    )
    real_overhead_categories: list[Category] = Field(
        default_factory=list,
        description="Categories of real overheads, refused because the flat rate covers them.",
    )


class ExpenseRules(_Strict):
    """Which expense categories are eligible."""

    eligible_categories: list[Category]
    ineligible_categories: list[Category]


class VatRules(_Strict):
    """When VAT is an eligible cost (CPR Art. 64(1)(c), possibly stricter national rules)."""

    threshold_incl_vat_eur: Amount | None = Field(
        None, description="Total cost including VAT that separates the two modes (null: one mode)."
    )
    below_threshold: VatMode = Field(description="Mode below the threshold, or always if none.")
    above_threshold: VatMode | None = Field(None, description="Mode at or above the threshold.")


class SimplifiedCostRules(_Strict):
    """CPR Art. 53(2): simplified cost options for small operations."""

    threshold_eur: Amount = Field(description="Total cost at or below which SCOs are required.")


class ApplicantRules(_Strict):
    """What the applicant must describe."""

    horizontal_principles: list[Literal[HORIZONTAL_PRINCIPLES]] = Field(  # type: ignore[valid-type]
        default_factory=list
    )
    personal_data_fields: list[Literal[PERSONAL_DATA_FIELDS]] = Field(  # type: ignore[valid-type]
        default_factory=list
    )


class TechnicalRules(_Strict):
    """Technical criteria of the call."""

    open_source_licence: Requirement = Field(
        "not_checked", description="An OSI-approved licence: required (fail), preferred (warning)."
    )
    open_standards: Requirement = Field(
        "not_checked",
        description="At least one open standard: required (fail), preferred (warning).",
    )


class Rules(_Strict):
    """The financing rules of one call."""

    format: Literal["ecodigital-finance-rules/1"]
    id: str = Field(min_length=1, max_length=120, description="Stable id of the rules.")
    title: str = Field(min_length=1, description="Name of the call, shown in reports.")
    source: CallSource
    grant: GrantRules
    public_aid: PublicAidRules
    indirect_costs: IndirectCostRules = IndirectCostRules()
    expenses: ExpenseRules
    vat: VatRules
    simplified_costs: SimplifiedCostRules | None = None
    beneficiaries: list[BeneficiaryType] = Field(description="Eligible beneficiary types.")
    indicators: list[Literal["RCO14", "RCR11"]] = Field(default_factory=list)
    applicant: ApplicantRules = ApplicantRules()
    technical: TechnicalRules = TechnicalRules()

    @model_validator(mode="after")
    def _check_consistency(self) -> Rules:
        eligible = set(self.expenses.eligible_categories)
        ineligible = set(self.expenses.ineligible_categories)
        both = sorted(eligible & ineligible)
        if both:
            raise FieldProblem(
                Msg("finance.input.both_lists", {"categories": both}),
                Msg("finance.input.both_lists_fix"),
                ("expenses",),
            )
        missing = [c for c in EXPENSE_CATEGORIES if c not in eligible | ineligible]
        if missing:
            raise FieldProblem(
                Msg("finance.input.unclassified", {"categories": missing}),
                Msg("finance.input.unclassified_fix"),
                ("expenses",),
            )
        overheads = [c for c in self.indirect_costs.real_overhead_categories if c in eligible]
        if overheads:
            raise FieldProblem(
                Msg("finance.input.overheads_eligible", {"categories": overheads}),
                Msg("finance.input.overheads_eligible_fix"),
                ("indirect_costs", "real_overhead_categories"),
            )
        if self.grant.source not in self.public_aid.public_sources:
            raise FieldProblem(
                Msg("finance.input.grant_source", {"source": self.grant.source}),
                Msg("finance.input.grant_source_fix", {"source": self.grant.source}),
                ("public_aid", "public_sources"),
            )
        if (self.vat.threshold_incl_vat_eur is None) != (self.vat.above_threshold is None):
            raise FieldProblem(
                Msg("finance.input.vat_threshold"), Msg("finance.input.vat_threshold_fix"), ("vat",)
            )
        return self

    def vat_mode(self, total_cost_incl_vat: Decimal) -> VatMode:
        """The VAT mode that applies to an operation of this total cost including VAT."""
        threshold = self.vat.threshold_incl_vat_eur
        above = self.vat.above_threshold
        if threshold is not None and above is not None and total_cost_incl_vat >= threshold:
            return above
        return self.vat.below_threshold


def shipped_rules() -> list[str]:
    """File names of the rules shipped with ecodigital."""
    from importlib import resources

    folder = resources.files("ecodigital.finance") / "rules"
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_rules(path: Path | None = None) -> Rules:
    """The rules in ``path``, or the default rules shipped with ecodigital."""
    from ecodigital.fileio import read_input_text

    if path is None:
        from importlib import resources

        text = (resources.files("ecodigital.finance") / "rules" / DEFAULT_RULES).read_text(
            encoding="utf-8"
        )
        return parse_rules_text(text, Path(DEFAULT_RULES))
    path = Path(path)
    return parse_rules_text(read_input_text(path, "rules"), path)


def parse_rules_text(text: str, path: Path) -> Rules:
    """Validate the rules ``text``; ``path`` names it in errors."""
    from pydantic import ValidationError

    from ecodigital.yamlio import load_yaml, where

    document = load_yaml(text, path)
    raw, root = document.data, document.root
    if not isinstance(raw, dict):
        raise InputError(
            str(path),
            None,
            Msg("finance.input.not_rules"),
            Msg("finance.input.not_rules_fix", {"file": DEFAULT_RULES}),
        )
    if raw.get("format") != RULES_FORMAT:
        given = raw.get("format")
        raise InputError(
            where(path, root, ("format",)),
            "format",
            Msg("input.format_unsupported", {"value": str(given)})
            if "format" in raw
            else Msg("dossier.required"),
            Msg("finance.input.format_fix", {"format": RULES_FORMAT}),
        )
    try:
        return Rules.model_validate(raw)
    except ValidationError as exc:
        raise _rules_error(exc, path, raw, root) from None


def _rules_error(exc: ValidationError, path: Path, raw: dict[str, Any], root: Any) -> InputError:
    from ecodigital.dossier.wording import describe, format_loc
    from ecodigital.yamlio import suggest, where

    errors = exc.errors()
    # A misspelt key also makes the right key "missing": report the misspelling.
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(error["loc"]) or getattr((error.get("ctx") or {}).get("error"), "loc", ())
    if error["type"] == "extra_forbidden":
        allowed = _rules_keys(loc[:-1])
        name = str(loc[-1])
        problem: str | Msg = Msg(
            "dossier.unknown_key", {"name": name, "suggestion": suggest(name, allowed)}
        )
        fix: str | Msg | None = Msg("dossier.unknown_key_fix", {"topic": "finance"})
    else:
        problem, fix = describe(error, None, loc)
    if len(errors) > 1:
        problem = Msg("input.and_more_rules", {"problem": problem, "n": len(errors) - 1})
    return InputError(where(path, root, loc), format_loc(loc) or "(rules)", problem, fix)


def _rules_keys(loc: tuple[str | int, ...]) -> list[str]:
    """Keys allowed in the rules mapping at ``loc``, for "did you mean" suggestions."""
    model: type[BaseModel] = Rules
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        nested = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)
