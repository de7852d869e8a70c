"""The dossier format ``ecodigital/1``: a pydantic model of a project's inventory.

The model is the single source of truth for what a dossier may contain: the
loader validates against it, ``ecodigital schema`` exports its JSON Schema, and
``docs/dossier.md`` documents the same fields. Every mapping forbids unknown
keys, so a misspelt field is an error rather than a silently ignored value.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any, Literal

import annotated_types as at
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ecodigital.dossier.uncertain import RANGE_FIELDS, Range, Scenario, check_range_bounds
from ecodigital.errors import FieldProblem
from ecodigital.finance.model import Applicant, Budget
from ecodigital.i18n import Msg
from ecodigital.vocabulary import BENEFICIARY_TYPES, HOSTING_TYPES, PHASES, TIERS

__all__ = [
    "FORMAT",
    "Beneficiary",
    "CloudItem",
    "CustomItem",
    "Dossier",
    "InventoryCsv",
    "Item",
    "Lever",
    "Measurement",
    "MeasurementSummary",
    "Member",
    "NetworkItem",
    "Project",
    "Range",
    "RgesnAnswer",
    "RgesnAssessment",
    "Scenario",
    "ServerItem",
    "StorageItem",
    "TerminalItem",
]

FORMAT = "ecodigital/1"

HOURS_PER_LEAP_YEAR = 8784


def _check_country(code: str) -> str:
    """A country of the grid data, by its alpha-3 code; a name or a 2-letter code says which."""
    from ecodigital.countries import country_problem
    from ecodigital.factors.grid import known_countries

    problem = country_problem(code, known_countries())
    if problem is not None:
        raise FieldProblem(*problem)
    return code


Country = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_check_country),
    Field(
        description="ISO 3166-1 alpha-3 country code, upper case (FRA, DEU, BEL...).",
        json_schema_extra={"pattern": "^[A-Z]{3}$"},
    ),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80),
    Field(description="Unique identifier: lower-case letters, digits, '.', '_' or '-'."),
]
FactorId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120),
    Field(description="Id of a factor row (see `ecodigital factors list`)."),
]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Hosting = Literal[HOSTING_TYPES]  # type: ignore[valid-type]
ProviderName = Annotated[str, StringConstraints(max_length=200)]


#: Largest values of the open-ended fields (``docs/limits.md``): within them no
#: product the engine forms can overflow a float (a test runs it at the bounds).
MAX_QUANTITY = 1e9
MAX_USERS_PER_YEAR = 1e10
MAX_GB_PER_YEAR = 1e12
MAX_CUSTOM_POWER_W = 1e7
MAX_KWH = 1e12
MAX_KGCO2E = 1e12
#: Shortest life (about four days): manufacturing is divided by it.
MIN_LIFETIME_YEARS = 0.01


class _Strict(BaseModel):
    # inf and nan (``.inf``, ``.nan``, or 1e400 in YAML) are refused in every float field
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Beneficiary(_Strict):
    """Who receives the grant."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    type: Literal[BENEFICIARY_TYPES]  # type: ignore[valid-type]


class Project(_Strict):
    """The funded project and the period it is assessed over."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        description="Name of the project, as in the grant application."
    )
    beneficiary: Beneficiary
    country: Country = Field("FRA", description="Default location of every item.")
    start_year: int = Field(ge=2000, le=2100, description="First calendar year of the project.")
    duration_years: int = Field(
        ge=1, le=30, description="Duration of the funded project, in years."
    )
    horizon_years: int = Field(
        5, ge=1, le=30, description="Assessment period in years; at least duration_years."
    )
    users_per_year: list[Annotated[float, Field(ge=0, le=MAX_USERS_PER_YEAR)]] = Field(
        description="Users of the service for each horizon year (RCR 11 basis); one value a year."
    )
    institutions: int | None = Field(
        None, ge=0, le=1_000_000, description="Public institutions supported (RCO 14)."
    )
    description: Text | None = None

    @model_validator(mode="after")
    def _check_periods(self) -> Project:
        if self.horizon_years < self.duration_years:
            raise FieldProblem(
                Msg(
                    "dossier.horizon_short",
                    {"horizon": self.horizon_years, "duration": self.duration_years},
                ),
                Msg("dossier.horizon_short_fix", {"duration": self.duration_years}),
                ("horizon_years",),
            )
        if len(self.users_per_year) != self.horizon_years:
            raise FieldProblem(
                Msg(
                    "dossier.users_count",
                    {"n": len(self.users_per_year), "horizon": self.horizon_years},
                ),
                Msg("dossier.users_count_fix", {"horizon": self.horizon_years}),
                ("users_per_year",),
            )
        return self


class _ItemBase(_Strict):
    id: Slug
    quantity: Annotated[float, at.Gt(0), at.Le(MAX_QUANTITY)] | Range = Field(
        1, description="How many such items (> 0, at most 10^9)."
    )
    quantity_per_user: Annotated[float, at.Gt(0), at.Le(1_000_000)] | None = Field(
        None,
        description="Items per user of the year, in place of quantity: the item's quantity "
        "each year is users_per_year x quantity_per_user (citizens' devices, per-user traffic).",
    )
    allocation: Annotated[float, at.Ge(0), at.Le(1)] | Range = Field(
        1,
        description="Share of the item attributable to the project (0..1): time share x "
        "resource share, as in SCI. Multiplies every phase.",
    )
    lifetime_years: Annotated[float, at.Ge(MIN_LIFETIME_YEARS), at.Le(50)] | Range | None = Field(
        None, description="Expected life, years (0.01 to 50); default from the factor row."
    )
    location: Country | None = Field(
        None, description="Grid of the use phase; default project.country."
    )
    years: tuple[int, int] | None = Field(
        None, description="First and last active horizon year (1-based); default all years."
    )
    factor: FactorId | None = Field(None, description="Factor id; default chosen from kind.")
    description: Text | None = None

    @field_validator(*RANGE_FIELDS, mode="after", check_fields=False)
    @classmethod
    def _check_range(cls, value: Any, info: ValidationInfo) -> Any:
        """The bounds of a field apply to both ends of a range given for it."""
        if isinstance(value, Range) and info.field_name is not None:
            check_range_bounds(value, cls.model_fields[info.field_name])
        return value

    @model_validator(mode="after")
    def _check_years(self) -> _ItemBase:
        if self.quantity_per_user is not None and "quantity" in self.model_fields_set:
            raise FieldProblem(
                Msg("dossier.per_user_and_quantity"),
                Msg("dossier.per_user_and_quantity_fix"),
                ("quantity_per_user",),
            )
        if self.years is not None:
            first, last = self.years
            if first < 1 or last < first:
                raise FieldProblem(
                    Msg("dossier.years_order", {"first": first, "last": last}),
                    Msg("dossier.years_order_fix"),
                    ("years",),
                )
        return self


class TerminalItem(_ItemBase):
    """An end-user device: its manufacture is amortised, its use from a profile."""

    kind: Literal["smartphone", "laptop", "desktop", "monitor", "tablet", "tv", "box", "printer"]
    owner: Literal["applicant", "users"] = Field(
        "applicant",
        description="Whose device it is: the applicant's (agents' workstations, kiosks), or the "
        "users' own (citizens' phones and computers). The standard levers change only what the "
        "applicant controls, never the users' own devices.",
    )
    hours_per_day: Annotated[float, at.Ge(0), at.Le(24)] | Range | None = Field(
        None, description="Hours of use a day."
    )
    days_per_year: Annotated[float, at.Ge(0), at.Le(366)] | Range | None = Field(
        None, description="Days of use a year."
    )
    power_w: Annotated[float, at.Ge(0), at.Le(10_000)] | Range | None = Field(
        None, description="Average power in use, W."
    )


class ServerItem(_ItemBase):
    """An on-premises or colocated server."""

    kind: Literal["server"]
    power_w: Annotated[float, at.Ge(0), at.Le(100_000)] | Range | None = Field(
        None, description="Average power, W."
    )
    hours_per_year: Annotated[float, at.Ge(0), at.Le(HOURS_PER_LEAP_YEAR)] | Range | None = Field(
        None, description="Hours powered a year (default 8760)."
    )
    pue: Annotated[float, at.Ge(1), at.Le(5)] | Range | None = Field(
        None, description="Power usage effectiveness; default from hosting and location."
    )
    hosting: Hosting | None = Field(
        None,
        description="on_premises (a room of the applicant), colocation (default) or cloud "
        "(a provider's dedicated server): chooses the default PUE.",
    )
    provider: ProviderName | None = Field(
        None, description="Hosting provider (free text; aws, gcp, azure, ovhcloud are recognised)."
    )


class CloudItem(_ItemBase):
    """A cloud virtual machine, priced per vCPU-hour and per GB-of-RAM-hour."""

    kind: Literal["cloud_instance"]
    vcpu: Annotated[float, at.Gt(0), at.Le(10_000)] | Range = Field(description="Virtual CPUs.")
    memory_gb: Annotated[float, at.Ge(0), at.Le(100_000)] | Range = Field(
        0, description="Memory, GB."
    )
    hours_per_year: Annotated[float, at.Ge(0), at.Le(HOURS_PER_LEAP_YEAR)] | Range | None = Field(
        None, description="Hours running a year (default 8760)."
    )
    pue: Annotated[float, at.Ge(1), at.Le(5)] | Range | None = Field(
        None, description="Power usage effectiveness; default from the provider."
    )
    provider: ProviderName | None = Field(
        None, description="Provider name (free text; aws, gcp, azure, ovhcloud are recognised)."
    )
    billing: Literal["on_demand", "reserved", "dedicated"] | None = Field(
        None,
        description="on_demand (default): embodied impact for the running hours only; "
        "reserved or dedicated: for all 8760 hours of the year.",
    )


class StorageItem(_ItemBase):
    """Stored data, priced per TB-year."""

    kind: Literal["storage"]
    capacity_tb: Annotated[float, at.Gt(0), at.Le(1_000_000)] | Range = Field(
        description="Capacity used, TB."
    )
    replicas: int = Field(1, ge=1, le=100, description="Copies kept (backups, replication).")
    media: Literal["ssd", "hdd"] = Field("ssd", description="Storage media.")
    drive_capacity_tb: Annotated[float, at.Gt(0), at.Le(1_000)] | None = Field(
        None, description="Capacity of one drive, TB, for factors counted per drive (HDD)."
    )
    pue: Annotated[float, at.Ge(1), at.Le(5)] | Range | None = Field(
        None, description="Power usage effectiveness; default from hosting and location."
    )
    hosting: Hosting | None = Field(
        None,
        description="on_premises, colocation or cloud: where the storage sits, for its "
        "default PUE (cloud when a provider is given, else colocation).",
    )
    provider: ProviderName | None = Field(
        None, description="Hosting provider (free text; aws, gcp, azure, ovhcloud are recognised)."
    )


class NetworkItem(_ItemBase):
    """Data transferred over fixed or mobile networks."""

    kind: Literal["network"]
    gb_per_year: Annotated[float, at.Ge(0), at.Le(MAX_GB_PER_YEAR)] | Range = Field(
        description="Data transferred a year, GB (at most 10^12)."
    )
    access: Literal["fixed", "mobile"] = Field("fixed", description="Access network.")
    quality: Literal["measured", "declared"] | None = Field(
        None,
        description="How gb_per_year was obtained: measured (a HAR file, traffic logs) or "
        "declared; default: an estimate, so the figure is modelled.",
    )


class CustomItem(_ItemBase):
    """Anything else, priced by an explicit factor (usually from a user factor file)."""

    kind: Literal["custom"]
    factor: FactorId = Field(description="Factor id (required for custom items).")
    tier: Literal[TIERS] = Field(description="Tier the item belongs to.")  # type: ignore[valid-type]
    power_w: Annotated[float, at.Ge(0), at.Le(MAX_CUSTOM_POWER_W)] | Range | None = Field(
        None, description="Average power, W (factors counted per device, hour, TB or drive)."
    )
    hours_per_year: Annotated[float, at.Ge(0), at.Le(HOURS_PER_LEAP_YEAR)] | Range | None = Field(
        None, description="Hours powered a year (default 8760)."
    )
    pue: Annotated[float, at.Ge(1), at.Le(5)] | Range | None = Field(
        None,
        description="Power usage effectiveness; default from hosting and location for the "
        "data-centre tier, none (1) elsewhere.",
    )
    hosting: Hosting | None = Field(
        None, description="on_premises, colocation or cloud (data-centre tier): the default PUE."
    )
    provider: ProviderName | None = Field(
        None, description="Hosting provider (free text; aws, gcp, azure, ovhcloud are recognised)."
    )


Item = Annotated[
    TerminalItem | ServerItem | CloudItem | StorageItem | NetworkItem | CustomItem,
    Field(discriminator="kind"),
]


class InventoryCsv(_Strict):
    """An inventory kept in a CSV file, one item a row, columns named as the item fields."""

    csv: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="Path of the CSV file, relative to the dossier."
    )


NoticeValue = str | int | float | bool | None | list[str | int | float | bool | None]


class SummaryNotice(_Strict):
    """A warning the measurement's files raised, kept with their summary."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z_]{0,59}$")]
    message: Text
    items: list[Slug] = Field(default_factory=list, max_length=100)
    params: dict[Annotated[str, StringConstraints(max_length=60)], NoticeValue] = Field(
        default_factory=dict, max_length=20
    )


class MeasurementSummary(_Strict):
    """What a measurement's files said, kept in a note so it stands alone.

    A note embeds its dossier; the CodeCarbon files do not travel with it, so
    the note writes this summary in place of ``files`` and anyone can recompute
    the results from the note alone.
    """

    energy_kwh_per_unit: float = Field(
        ge=0, le=MAX_KWH, description="Measured kWh per run or per hour."
    )
    quality: Literal["measured", "estimated-by-codecarbon"]
    pue_included: bool = False
    runs: int = Field(ge=1, le=1_000_000_000)
    duration_h: float = Field(ge=0, le=1e9)
    energy_kwh: float = Field(ge=0, le=MAX_KWH, description="Energy of all runs, kWh.")
    emissions_kgco2e: float | None = Field(
        None,
        ge=0,
        le=MAX_KGCO2E,
        description="CodeCarbon's emissions of all runs (unknown for a measure made otherwise, "
        "e.g. read from a BoAmps report that does not give them).",
    )
    cpu_methods: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        default_factory=list, max_length=20
    )
    countries: list[Annotated[str, StringConstraints(max_length=3)]] = Field(
        default_factory=list, max_length=300
    )
    files: list[Annotated[str, StringConstraints(max_length=500)]] = Field(
        default_factory=list, max_length=100, description="The measurement files summarised."
    )
    notices: list[SummaryNotice] = Field(
        default_factory=list, max_length=50, description="What reading the files warned about."
    )


class Measurement(_Strict):
    """CodeCarbon files measuring an inventory item's use-phase electricity."""

    item: Slug = Field(description="Id of the inventory item measured.")
    files: list[Annotated[str, StringConstraints(min_length=1, max_length=1000)]] | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="CodeCarbon CSV files (2.x or 3.x), or folders written by "
        "`ecodigital measure`, relative to the dossier.",
    )
    summary: MeasurementSummary | None = Field(
        None,
        description="What the files said (written by `ecodigital note` in its payload, "
        "in place of files).",
    )
    per: Literal["run", "hour"] = Field(
        description="run: energy per run x runs_per_year; hour: energy per hour x hours_per_year."
    )
    runs_per_year: float | None = Field(
        None, gt=0, le=10_000_000, description="Runs a year (per: run)."
    )
    hours_per_year: float | None = Field(
        None,
        gt=0,
        le=10_000_000,
        description="Measured-machine hours a year (per: hour); 2 such machines all year: 17568.",
    )
    pue_included: bool | None = Field(
        None,
        description="Whether the measured energy includes the data centre's PUE; "
        "default from the sidecar (or the CSV's pue column).",
    )

    @model_validator(mode="after")
    def _check_scale(self) -> Measurement:
        if (self.files is None) == (self.summary is None):
            raise FieldProblem(Msg("dossier.files_or_summary"), Msg("dossier.files_or_summary_fix"))
        wanted, other = ("runs_per_year", "hours_per_year")
        if self.per == "hour":
            wanted, other = other, wanted
        if getattr(self, other) is not None:
            raise FieldProblem(
                Msg("dossier.per_other", {"other": other, "per": self.per}),
                Msg("dossier.per_fix", {"wanted": wanted, "other": other}),
                (other,),
            )
        if getattr(self, wanted) is None:
            raise FieldProblem(
                Msg("dossier.per_needs", {"per": self.per, "wanted": wanted}),
                Msg("dossier.per_needs_fix", {"wanted": wanted}),
                (wanted,),
            )
        return self


ALLOCATION_KEYS = ("population", "users", "equal", "explicit")
#: Two shares summing to 1 within this are taken to sum to 1 (decimals written by hand).
SHARE_SUM_TOLERANCE = 1e-9
MAX_MEMBERS = 1000


class Member(_Strict):
    """One authority sharing a mutualised project (an EPCI's member commune, for example)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    type: Literal[BENEFICIARY_TYPES]  # type: ignore[valid-type]
    siren: Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")] | None = Field(
        None, description="SIREN number of the authority (9 digits)."
    )
    population: int | None = Field(
        None, ge=0, le=100_000_000, description="Population (allocation_key: population)."
    )
    users: float | None = Field(
        None, ge=0, le=MAX_USERS_PER_YEAR, description="Users (allocation_key: users)."
    )
    share: float | None = Field(
        None, ge=0, le=1, description="Explicit share, 0..1 (allocation_key: explicit)."
    )


def _inventory_tag(value: object) -> str:
    return "csv_file" if isinstance(value, dict | InventoryCsv) else "items"


#: Tags that pydantic puts in error locations and that users never wrote.
UNION_TAGS = frozenset({"items", "csv_file"})


RGESN_STATUSES = ("conforme", "non_conforme", "non_applicable", "a_evaluer")
ShortText = Annotated[str, StringConstraints(max_length=1_000)]


class RgesnAnswer(_Strict):
    """The answer to one RGESN 2024 criterion."""

    status: Literal[RGESN_STATUSES] = Field(  # type: ignore[valid-type]
        description="conforme (validated), non_conforme, non_applicable (justify it) or a_evaluer."
    )
    justification: Text | None = Field(None, description="Why: evidence, or why not applicable.")
    action: Text | None = Field(None, description="Planned action (for non_conforme or a_evaluer).")
    due: date | None = Field(None, description="Date the action is due (YYYY-MM-DD).")
    owner: ShortText | None = Field(None, description="Who carries the action.")


class RgesnAssessment(_Strict):
    """The RGESN 2024 self-assessment and what the eco-design declaration needs."""

    assessed_on: date | None = Field(None, description="Date of the assessment (YYYY-MM-DD).")
    referent: ShortText | None = Field(None, description="Eco-design lead (name or role).")
    previous_score: float | None = Field(
        None, ge=0, le=100, description="Progress score of the previous assessment, %."
    )
    target_score: float | None = Field(None, ge=0, le=100, description="Target score, %.")
    target_date: date | None = Field(None, description="Date the target score is due.")
    review_frequency: ShortText | None = Field(None, description="How often it is reviewed.")
    samples: list[ShortText] = Field(
        default_factory=list, description="Screens, pages or journeys assessed."
    )
    answers: dict[
        Annotated[str, StringConstraints(pattern=r"^[1-9]\.[0-9]{1,2}$")], RgesnAnswer
    ] = Field(default_factory=dict, description='Answers by criterion id ("1.1", "8.3"...).')


class Lever(_Strict):
    """A footprint-reduction measure the applicant commits to."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: Text | None = None
    tier: Literal[TIERS] | None = Field(None, description="Tier it acts on.")  # type: ignore[valid-type]
    phase: Literal[PHASES] | None = Field(None, description="Phase it acts on.")  # type: ignore[valid-type]
    expected_gwp_kgco2e: float | None = Field(
        None,
        ge=0,
        le=MAX_KGCO2E,
        description="Expected reduction over the horizon, kgCO2e (an estimate).",
    )
    indicator: ShortText | None = Field(None, description="How progress is followed.")
    due: date | None = Field(None, description="Date it is in place (YYYY-MM-DD).")


class Dossier(_Strict):
    """A project's dossier, format ``ecodigital/1``."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        title="ecodigital dossier (ecodigital/1)",
        json_schema_extra={"$id": "https://ecodigital.eu/schema/ecodigital-1.json"},
    )

    format: Literal["ecodigital/1"] = Field(description='Always "ecodigital/1".')
    project: Project
    inventory: Annotated[
        Annotated[list[Item], Tag("items")] | Annotated[InventoryCsv, Tag("csv_file")],
        Discriminator(_inventory_tag),
    ] = Field(description="The items: a list, or {csv: path} for a CSV file.")
    budget: Budget | None = Field(
        None, description="Expenses and resources, for `ecodigital finance` (docs/finance.md)."
    )
    applicant: Applicant | None = Field(
        None, description="Horizontal principles, personal data, licence, open standards."
    )
    measurements: list[Measurement] = Field(
        default_factory=list,
        description="Measured use-phase electricity of some items (CodeCarbon files).",
    )
    rgesn: RgesnAssessment | None = Field(
        None, description="RGESN 2024 self-assessment (see `ecodigital rgesn`)."
    )
    levers: list[Lever] = Field(
        default_factory=list, description="Reduction levers the applicant commits to."
    )
    scenarios: list[Scenario] = Field(
        default_factory=list,
        description="What-if variants compared by `ecodigital scenarios` (changes to items).",
    )
    members: list[Member] = Field(
        default_factory=list,
        max_length=MAX_MEMBERS,
        description="Authorities sharing a mutualised project; each gets its share of every "
        "figure and of the cost (docs/dossier.md#members).",
    )
    allocation_key: Literal[ALLOCATION_KEYS] | None = Field(  # type: ignore[valid-type]
        None,
        description="How the members share: population, users, equal, or explicit (each "
        "member's share; they sum to 1).",
    )

    @model_validator(mode="after")
    def _check_members(self) -> Dossier:
        """Members need a key, and the key needs its value on every member."""
        if self.allocation_key is not None and not self.members:
            raise FieldProblem(
                Msg("mutual.key_without_members"),
                Msg("mutual.key_without_members_fix"),
                ("allocation_key",),
            )
        if not self.members:
            return self
        key = self.allocation_key
        if key is None:
            raise FieldProblem(Msg("mutual.no_key"), Msg("mutual.no_key_fix"), ("allocation_key",))
        seen: set[str] = set()
        for i, member in enumerate(self.members):
            if member.name.casefold() in seen:
                raise FieldProblem(
                    Msg("mutual.duplicate", {"name": member.name}),
                    Msg("mutual.duplicate_fix"),
                    ("members", i, "name"),
                )
            seen.add(member.name.casefold())
        if key == "equal":
            return self
        field = "share" if key == "explicit" else key
        for i, member in enumerate(self.members):
            if getattr(member, field) is None:
                raise FieldProblem(
                    Msg("mutual.missing_value", {"name": member.name, "field": field, "key": key}),
                    Msg("mutual.missing_value_fix", {"field": field}),
                    ("members", i, field),
                )
        total = math.fsum(float(getattr(member, field)) for member in self.members)
        if key == "explicit":
            if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
                raise FieldProblem(
                    Msg("mutual.shares_sum", {"total": f"{total:.6g}"}),
                    Msg("mutual.shares_sum_fix"),
                    ("members",),
                )
        elif total <= 0:
            raise FieldProblem(
                Msg("mutual.zero_key", {"field": field}),
                Msg("mutual.zero_key_fix", {"field": field}),
                ("members",),
            )
        return self

    @model_validator(mode="after")
    def _check_measured_items(self) -> Dossier:
        """A measurement gives an item's whole yearly energy: not one per user."""
        if isinstance(self.inventory, list):
            per_user = {i.id for i in self.inventory if i.quantity_per_user is not None}
            for measurement in self.measurements:
                if measurement.item in per_user:
                    raise FieldProblem(
                        Msg("dossier.per_user_measured", {"item": measurement.item}),
                        Msg("dossier.per_user_measured_fix"),
                        ("measurements", self.measurements.index(measurement), "item"),
                    )
        return self
