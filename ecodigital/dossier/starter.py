"""``ecodigital init``: a commented starter dossier that works as it is, never written over a file.

The starter is one Jinja2 template per language
(``templates/starter/dossier.<lang>.yaml.j2``) filled from a
:class:`StarterAnswers`. ``init`` fills it with the defaults below;
``init --guided`` (:mod:`ecodigital.dossier.guided`) with the answers a
person gives. Either way the result has an example of every kind of item, a
financing plan that passes the call's rules, the applicant's section, an
RGESN block, levers and scenarios, and it is validated before it is written.

The financing plan is derived from one figure, the total of expenses
excluding VAT, split over five lines in the proportions of the template
(development 120, hardware 8, hosting 9, training 6, communication 3 out of
146); VAT is at the French standard rate of 20 % (CGI art. 278), recoverable
only on hardware. The eligible cost, the flat rate and the largest grant are
computed by :mod:`ecodigital.finance.check`, so the plan is balanced to the
cent by construction: self-financing is the total cost less the grant and
the other public co-financing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.finance.check import FinanceFigures
    from ecodigital.finance.rules import Rules

__all__ = [
    "HOSTING_CHOICES",
    "STARTER_NAME",
    "BudgetFigures",
    "StarterAnswers",
    "budget_figures",
    "render_starter",
    "starter_target",
    "write_starter",
]

STARTER_NAME: Final = "dossier.yaml"
#: Where the service runs: a server in the applicant's room, a cloud provider, or both.
HOSTING_CHOICES: Final = ("room", "cloud", "both")
#: French standard VAT rate (Code général des impôts, art. 278), in %.
VAT_RATE_PERCENT: Final = Decimal(20)
#: The template's expense lines: (key, weight, VAT recoverable). Weights sum to 146.
EXPENSE_LINES: Final = (
    ("development", 120, False),
    ("hardware", 8, True),
    ("hosting", 9, False),
    ("training", 6, False),
    ("communication", 3, False),
)
_HUNDRED: Final = Decimal(100)
_EURO: Final = Decimal(1)
_THOUSAND: Final = Decimal(1000)


@dataclass(frozen=True)
class StarterAnswers:
    """What a starter dossier is made from; the defaults give the plain starter."""

    project_name: str | None = None  # None: the template language's example name
    beneficiary_name: str | None = None
    beneficiary_type: str = "commune"
    start_year: int = field(default_factory=lambda: dt.date.today().year + 1)
    duration_years: int = 3
    agent_devices: int = 6
    agent_device_kind: Literal["laptop", "desktop"] = "laptop"
    agent_share_percent: Decimal = Decimal(25)
    hosting: Literal["room", "cloud", "both"] = "both"
    hosting_country: str = "FRA"
    users_per_year: int = 3000
    expenses_eur: Decimal = Decimal(146000)
    other_public_eur: Decimal = Decimal(30000)
    #: The FEDER requested; None: the largest the rules allow, rounded down to the thousand.
    feder_eur: Decimal | None = None

    @property
    def horizon_years(self) -> int:
        """Five years, or the duration if longer: the assessment covers the funded project."""
        return max(5, self.duration_years)


@dataclass(frozen=True)
class BudgetFigures:
    """The financing plan of a starter: the lines and the figures of the check."""

    lines: dict[str, tuple[Decimal, Decimal]]  # key: (amount, VAT), EUR excluding VAT
    figures: FinanceFigures
    grant_floor_eur: Decimal | None
    max_rate_percent: Decimal


def _expense_amounts(total: Decimal) -> dict[str, tuple[Decimal, Decimal]]:
    """``total`` split over the template's lines, to the euro, the first line taking the rest."""
    weight_sum = sum(weight for _, weight, _ in EXPENSE_LINES)
    amounts = {
        key: (total * weight / weight_sum).quantize(_EURO, ROUND_DOWN)
        for key, weight, _ in EXPENSE_LINES
    }
    first = EXPENSE_LINES[0][0]
    amounts[first] += total.quantize(_EURO, ROUND_DOWN) - sum(amounts.values())
    return {
        key: (amount, (amount * VAT_RATE_PERCENT / _HUNDRED).quantize(Decimal("0.01")))
        for key, amount in amounts.items()
    }


def budget_figures(
    expenses_eur: Decimal,
    other_public_eur: Decimal = Decimal(0),
    feder_eur: Decimal | None = None,
    rules: Rules | None = None,
) -> BudgetFigures:
    """The starter's financing plan for ``expenses_eur`` excluding VAT, checked by the rules."""
    from ecodigital.finance.check import compute_figures
    from ecodigital.finance.model import Budget, Expense, Resource
    from ecodigital.finance.rules import load_rules

    rules = rules or load_rules()
    lines = _expense_amounts(expenses_eur)
    recoverable = {key: flag for key, _, flag in EXPENSE_LINES}
    expenses = [
        Expense(
            label=key,
            category="communication",  # any eligible category: only VAT and amount matter here
            amount=amount,
            vat=vat,
            vat_recoverable=recoverable[key],
        )
        for key, (amount, vat) in lines.items()
    ]
    resources = [Resource(source="etat", amount=other_public_eur)]
    if feder_eur is not None:
        resources.append(Resource(source="feder", amount=feder_eur))
    figures, _ = compute_figures(Budget(expenses=expenses, resources=resources), rules, "commune")
    return BudgetFigures(lines, figures, rules.grant.min_eur, rules.grant.max_rate_percent)


def default_feder(expenses_eur: Decimal, other_public_eur: Decimal) -> Decimal:
    """The largest FEDER the rules allow on this plan, rounded down to the thousand euros."""
    largest = budget_figures(expenses_eur, other_public_eur).figures.max_grant_eur
    return (largest / _THOUSAND).quantize(_EURO, ROUND_DOWN) * _THOUSAND


def _yaml_text(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _number(value: object) -> str:
    """A number as YAML writes it: ``0.25``, ``1200``, no exponent, no trailing zeros."""
    number = Decimal(str(value))
    text = format(number.normalize(), "f")
    return text


def _grouped(value: object, lang: str) -> str:
    """An integer with its thousands grouped as the language writes them (in a comment)."""
    body = f"{int(value):,}"  # type: ignore[call-overload]
    return body.replace(",", " ") if lang == "fr" else body


def _french_amount(amount: Decimal) -> str:
    """``45752`` -> ``"45 752,00"``: the French notation the dossier accepts for amounts."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def _personal_data_location(country: str) -> str:
    """Where the personal data are hosted: the hosting country's code, as everywhere else."""
    return country


def _context(answers: StarterAnswers, lang: str) -> dict[str, Any]:
    from ecodigital.i18n import text
    from ecodigital.i18n.format import format_money as format_eur
    from ecodigital.i18n.format import format_percent

    feder = answers.feder_eur
    if feder is None:
        feder = default_feder(answers.expenses_eur, answers.other_public_eur)
    plan = budget_figures(answers.expenses_eur, answers.other_public_eur, feder)
    figures = plan.figures
    self_financing = figures.total_cost_eur - feder - answers.other_public_eur
    users = answers.users_per_year
    ramp = [round(users / 6), round(users * 2 / 3)] + [users] * (answers.horizon_years - 2)
    hosted = {"room": ["server"], "cloud": ["cloud_instance"], "both": ["server", "cloud_instance"]}
    rate = figures.grant_rate_percent or Decimal(0)
    return {
        "project_name": answers.project_name or text("starter.example_project", lang),
        "beneficiary_name": answers.beneficiary_name or text("starter.example_beneficiary", lang),
        "beneficiary_type": answers.beneficiary_type,
        "start_year": answers.start_year,
        "duration_years": answers.duration_years,
        "horizon_years": answers.horizon_years,
        "users_per_year": ramp,
        "agents": {
            "count": answers.agent_devices,
            "kind": answers.agent_device_kind,
            "allocation": answers.agent_share_percent / _HUNDRED,
            "percent": _number(answers.agent_share_percent),
        },
        "hosting": answers.hosting,
        "hosting_country": answers.hosting_country,
        "hosted_kinds": [*hosted[answers.hosting], "storage"],
        "personal_data_location": _personal_data_location(answers.hosting_country),
        "citizen_smartphones": max(1, round(users * 2 / 3)),
        "citizen_computers": max(1, round(users / 3)),
        "traffic_fixed_gb": _number(Decimal(users) / 5),  # 0.2 GB a user a year
        "traffic_mobile_gb": _number(Decimal(users) / 10),  # 0.1 GB a user a year
        "expenses": {
            key: {"amount": _number(amount), "vat": _number(vat)}
            for key, (amount, vat) in plan.lines.items()
        },
        "feder": _number(feder),
        "state_cofinancing": _number(answers.other_public_eur) if answers.other_public_eur else "",
        "self_financing": _french_amount(self_financing),
        "money": {
            "expenses": format_eur(figures.total_expenses_excl_vat_eur, lang),
            "vat_eligible": format_eur(figures.vat_eligible_eur, lang),
            "base": format_eur(figures.eligible_direct_base_eur, lang),
            "flat_percent": _number(figures.flat_rate_percent or 0),
            "flat": format_eur(figures.flat_rate_eur, lang),
            "eligible": format_eur(figures.total_eligible_cost_eur, lang),
            "total": format_eur(figures.total_cost_eur, lang),
            "feder_rate": format_percent(rate, lang, fixed=True),
            "max_rate": format_percent(plan.max_rate_percent, lang),
        },
    }


def render_starter(answers: StarterAnswers | None = None, lang: str = "fr") -> str:
    """The starter dossier's text in ``lang``, filled from ``answers`` (defaults if none)."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ecodigital.resources import data_dir

    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(data_dir("templates") / "starter")),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = _yaml_text
    env.filters["n"] = _number
    env.filters["grouped"] = lambda value: _grouped(value, lang)
    template = env.get_template(f"dossier.{lang}.yaml.j2")
    return template.render(_context(answers or StarterAnswers(), lang))


def starter_target(directory: Path) -> Path:
    """``directory/dossier.yaml``, refused before any work if it cannot be written there."""
    if directory.exists() and not directory.is_dir():
        raise InputError(
            str(directory), None, Msg("starter.not_a_folder"), Msg("starter.not_a_folder_fix")
        )
    target = directory / STARTER_NAME
    if target.exists() or target.is_symlink():
        raise InputError(str(target), None, Msg("starter.exists"), Msg("starter.exists_fix"))
    return target


def write_starter(directory: Path, lang: str = "fr", answers: StarterAnswers | None = None) -> Path:
    """Write ``directory/dossier.yaml``, validated first; refuse if it exists."""
    from ecodigital.dossier.load import parse_dossier_text
    from ecodigital.fileio import write_atomic

    target = starter_target(directory)
    text = render_starter(answers, lang)
    # A starter that does not validate is a bug here, not the user's mistake.
    parse_dossier_text(text, target)
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text, exclusive=True)
    return target
