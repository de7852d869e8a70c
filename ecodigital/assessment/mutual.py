"""Each member's share of a mutualised project: of every figure, and of the cost.

A member's share ``s_i = w_i / Σ w`` comes from the allocation key: its
population, its users, ``1`` for every member (``equal``), or the share the
dossier gives (``explicit``). Its footprint on a criterion is ``s_i × total``,
and so is its range: a quantile of ``s_i × X`` is ``s_i ×`` that quantile of
``X`` for ``s_i ≥ 0``. Completeness, unknown parts and quality shares are the
total's (a lower bound stays one). The shares of a figure add up to the total
to within float rounding (a few units in the last place).

Money is split in whole cents by the largest-remainder rule: every member gets
``floor(cost × s_i)`` in cents, computed exactly with fractions, and the cents
left go one by one to the largest remainders (the first member on a tie), so
the members' amounts add up to the cost exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ecodigital.assessment.results import Figure, MemberShare, Mutualisation, Range

if TYPE_CHECKING:
    from ecodigital.dossier.model import Dossier, Member

__all__ = ["allocate_cents", "member_weights", "mutualise", "scale_figure"]

CENTS_PER_EURO = 100


def member_weights(members: Sequence[Member], key: str) -> tuple[float | None, ...]:
    """The key value of each member (``None`` for ``equal``, which weighs them alike)."""
    if key == "equal":
        return tuple(None for _ in members)
    field = "share" if key == "explicit" else key
    return tuple(float(getattr(member, field)) for member in members)


def scale_figure(figure: Figure, share: float) -> Figure:
    """``share × figure``, its range scaled alike; unknown stays unknown."""
    stats = figure.range
    return Figure(
        value=None if figure.value is None else figure.value * share,
        unit=figure.unit,
        complete=figure.complete,
        unknown=figure.unknown,
        quality=dict(figure.quality),
        share=share if figure.value is not None else None,
        range=None
        if stats is None
        else Range(stats.p5 * share, stats.p50 * share, stats.p95 * share, stats.mean * share),
    )


def allocate_cents(total: Decimal, weights: Sequence[Fraction]) -> tuple[Decimal, ...]:
    """``total`` (euros, to the cent) split by ``weights`` in whole cents, summing to it exactly.

    >>> allocate_cents(Decimal("100.00"), [Fraction(1), Fraction(1), Fraction(1)])
    (Decimal('33.34'), Decimal('33.33'), Decimal('33.33'))
    """
    cents = int(total * CENTS_PER_EURO)
    whole = sum(weights, Fraction(0))
    exact = [Fraction(cents) * w / whole for w in weights]
    floors = [math.floor(x) for x in exact]
    left = cents - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return tuple(Decimal(c) / CENTS_PER_EURO for c in floors)


def mutualise(model: Dossier, totals: Mapping[str, Figure]) -> Mutualisation | None:
    """The members' shares of ``totals`` and of the financing plan; ``None`` without members."""
    if not model.members or model.allocation_key is None:
        return None
    key = model.allocation_key
    values = member_weights(model.members, key)
    exact = [Fraction(1) if v is None else Fraction(v) for v in values]
    whole = sum(exact, Fraction(0))
    shares = [float(w / whole) for w in exact]
    cost = None
    costs: tuple[Decimal | None, ...] = tuple(None for _ in shares)
    if model.budget is not None:
        cost = sum((line.amount for line in model.budget.resources), Decimal("0.00"))
        costs = allocate_cents(cost, exact)
    members = tuple(
        MemberShare(
            name=member.name,
            type=member.type,
            siren=member.siren,
            key_value=value,
            share=share,
            footprint={c: scale_figure(f, share) for c, f in totals.items()},
            cost=member_cost,
        )
        for member, value, share, member_cost in zip(
            model.members, values, shares, costs, strict=True
        )
    )
    return Mutualisation(key=key, members=members, total_cost=cost)
