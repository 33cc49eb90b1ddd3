"""Matching a project's needs to the parks in scope (项目—园区匹配).

Hard constraints: every need that is asked for fits in what the park has available (total −
what signed projects commit). Soft score (0–90): the project's chain among the park's 主导产业
(+40), investment intensity (协议投资 ÷ 用地) at or above the park's 投资强度 threshold (+30), park
level (国家级 +20, 省级 +10). Each park explains itself: which needs fit, which fail and by how much.
"""
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.models import COMMITTING, NEEDS, Park, Project
from app.models.enums import CAPACITY_UNITS, CapacityKind, ParkLevel
from app.parks import services  # the module: parks and projects import each other

LEVEL_POINTS = {ParkLevel.NATIONAL: 20, ParkLevel.PROVINCIAL: 10}
NEED_FIELDS = {kind.value: column.key for kind, column in NEEDS.items()}  # land → land_mu …


@dataclass
class Needs:
    amounts: dict[str, Decimal]  # capacity kind → amount needed
    chain_id: int | None = None
    agreed_wan: Decimal | None = None
    project: Project | None = None  # whose own commitment in its park is not counted against it

    @classmethod
    def of_project(cls, project: Project) -> "Needs":
        amounts = {kind: getattr(project, column) for kind, column in NEED_FIELDS.items()
                   if getattr(project, column)}
        return cls(amounts, project.chain_node.chain_id if project.chain_node else None,
                   project.agreed_investment_wan, project)


@dataclass
class Fit:
    kind: str
    need: Decimal
    available: Decimal | None  # None: the park has no such item on its list

    @property
    def ok(self) -> bool:
        return self.available is not None and self.need <= self.available

    @property
    def text(self) -> str:
        label, unit = CapacityKind.label_of(self.kind), CAPACITY_UNITS[CapacityKind(self.kind)]
        if self.available is None:
            return f"{label}：需 {self.need:,.2f} {unit}，园区清单中没有此项"
        if self.ok:
            return f"{label}：需 {self.need:,.2f} {unit}，可用 {self.available:,.2f} {unit}"
        return (f"{label}：需 {self.need:,.2f} {unit}，可用 {self.available:,.2f} {unit}，"
                f"缺 {self.need - self.available:,.2f} {unit}")


@dataclass
class Match:
    park: Park
    fits: list[Fit]
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.fits)


def rank(scoped_parks: sa.Select, needs: Needs) -> list[Match]:
    """The parks of ``scoped_parks``: those where every need fits first, then by score."""
    matches = []
    for row in services.overview(scoped_parks.options(selectinload(Park.chains))):
        match = Match(row["park"], _fits(row, needs))
        _score(match, row["park"], needs)
        matches.append(match)
    return sorted(matches, key=lambda m: (not m.ok, -m.score, m.park.name))


def shortfalls(park_id: int, needs: Needs) -> list[Fit]:
    """The needs that do not fit in one park (what a project form warns about before saving)."""
    [row] = services.overview(sa.select(Park).where(Park.id == park_id))
    return [fit for fit in _fits(row, needs) if not fit.ok and fit.available is not None]


def _fits(row: dict, needs: Needs) -> list[Fit]:
    park = row["park"]
    own = needs.project if needs.project is not None and needs.project.park_id == park.id \
        and needs.project.stage in COMMITTING else None
    fits = []
    for kind, need in needs.amounts.items():
        available = row["kinds"][kind]["available"]
        if available is not None and own is not None:
            available += getattr(own, NEED_FIELDS[kind]) or 0  # its own share is already counted
        fits.append(Fit(kind, Decimal(need), available))
    return fits


def _score(match: Match, park: Park, needs: Needs) -> None:
    if needs.chain_id and any(c.id == needs.chain_id for c in park.chains):
        match.score += 40
        match.reasons.append("主导产业含本项目所属产业链（+40）")
    elif needs.chain_id:
        match.reasons.append("主导产业不含本项目所属产业链")
    land = needs.amounts.get(CapacityKind.LAND.value)
    threshold = park.investment_intensity_wan_per_mu
    if needs.agreed_wan and land and threshold:
        intensity = Decimal(needs.agreed_wan) / Decimal(land)
        if intensity >= threshold:
            match.score += 30
            match.reasons.append(f"投资强度 {intensity:,.2f} 万元/亩，不低于园区门槛 {threshold:,.2f}（+30）")
        else:
            match.reasons.append(f"投资强度 {intensity:,.2f} 万元/亩，低于园区门槛 {threshold:,.2f}")
    points = LEVEL_POINTS.get(park.level, 0)
    if points:
        match.score += points
        match.reasons.append(f"{park.level_label}园区（+{points}）")
