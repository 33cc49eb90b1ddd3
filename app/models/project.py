"""Investment projects (招商项目), their dated stage events and funds in place (到位资金)."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Money, Timestamped, Versioned, utcnow
from app.models.enums import CapacityKind, Channel, FundOrigin, ReviewStatus, Stage

BIG_PROJECT_WAN = Decimal(10000)  # 亿元以上: 协议投资 ≥ 10000 万元


class Project(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    investor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("enterprise.id"), index=True)
    content: so.Mapped[str | None] = so.mapped_column(sa.Text)  # 建设内容
    park_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("park.id"), index=True)
    chain_node_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("chain_node.id"))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"))  # 责任单位 (indexed below)
    responsible_person: so.Mapped[str | None] = so.mapped_column(sa.String(50))  # 责任人
    officer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    channel: so.Mapped[str] = so.mapped_column(sa.String(20), default=Channel.OTHER)  # 引荐渠道
    total_investment_wan: so.Mapped[Decimal | None] = so.mapped_column(Money)
    agreed_investment_wan: so.Mapped[Decimal | None] = so.mapped_column(Money)  # 协议投资
    phase1_investment_wan: so.Mapped[Decimal | None] = so.mapped_column(Money)
    is_foreign: so.Mapped[bool] = so.mapped_column(default=False)  # 内资/外资
    source_region: so.Mapped[str | None] = so.mapped_column(sa.String(50))  # 来源地
    # needs
    land_mu: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    factory_m2: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    energy_tce: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    power_kva: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    water_t_per_day: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    emissions: so.Mapped[str | None] = so.mapped_column(sa.String(200))  # what it emits, in words
    cod_t: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))  # 排污指标, 吨/年
    ammonia_t: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    so2_t: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    nox_t: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    is_key: so.Mapped[bool] = so.mapped_column(default=False)  # 重点项目
    # Derived from the stage events that stand (pending included; superseded and rejected ones not)
    # by projects.stages.derive, in the same flush as every event or review that changes them: the
    # current stage, when it began, and the date the project first reached each stage.
    stage: so.Mapped[str] = so.mapped_column(sa.String(20), default=Stage.NEGOTIATING, index=True)
    stage_on: so.Mapped[date | None] = so.mapped_column()
    negotiating_on: so.Mapped[date | None] = so.mapped_column()
    signed_on: so.Mapped[date | None] = so.mapped_column(index=True)
    registered_on: so.Mapped[date | None] = so.mapped_column()  # 注册: the local company registered
    started_on: so.Mapped[date | None] = so.mapped_column()
    producing_on: so.Mapped[date | None] = so.mapped_column()
    terminated_on: so.Mapped[date | None] = so.mapped_column()
    # The same first dates counting approved events only: what reports count by default.
    approved_negotiating_on: so.Mapped[date | None] = so.mapped_column()
    approved_signed_on: so.Mapped[date | None] = so.mapped_column(index=True)
    approved_registered_on: so.Mapped[date | None] = so.mapped_column()
    approved_started_on: so.Mapped[date | None] = so.mapped_column()
    approved_producing_on: so.Mapped[date | None] = so.mapped_column()
    approved_terminated_on: so.Mapped[date | None] = so.mapped_column()
    # From the project's activities and fund entries, kept in step by projects.services.refresh_facts
    # whenever they change, so that warnings are conditions on the project row.
    last_activity_on: so.Mapped[date | None] = so.mapped_column()
    follow_up_due_on: so.Mapped[date | None] = so.mapped_column()  # the earliest open follow-up
    funds_wan: so.Mapped[Decimal] = so.mapped_column(Money, default=Decimal(0), server_default="0")  # not rejected
    problems: so.Mapped[str | None] = so.mapped_column(sa.Text)  # 存在问题
    next_steps: so.Mapped[str | None] = so.mapped_column(sa.Text)  # 下步计划

    investor: so.Mapped["Enterprise | None"] = so.relationship()  # noqa: F821
    park: so.Mapped["Park | None"] = so.relationship()  # noqa: F821
    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    chain_node: so.Mapped["ChainNode | None"] = so.relationship()  # noqa: F821
    officer: so.Mapped["User | None"] = so.relationship()  # noqa: F821
    stage_events: so.Mapped[list["StageEvent"]] = so.relationship(
        back_populates="project", order_by="StageEvent.id", foreign_keys="StageEvent.project_id"
    )

    # The board's columns and the list's default order walk these instead of sorting; the board's
    # totals per stage read only the third; the chain map's projects per node and stage the last.
    # A scope's projects signed in a period (the dashboard's 龙头企业 target) read only that
    # scope's entries; with (unit_id) alone a province in a country ANDed the country's signings.
    __table_args__ = (sa.Index("ix_project_unit_id_approved_signed_on", "unit_id", "approved_signed_on"),
                      sa.Index("ix_project_stage_stage_on_id", "stage", "stage_on", "id"),
                      sa.Index("ix_project_stage_on_id", "stage_on", "id"),
                      sa.Index("ix_project_stage_agreed", "stage", "agreed_investment_wan"),
                      sa.Index("ix_project_chain_node_id_stage", "chain_node_id", "stage", "unit_id"),
                      # The dashboard's and the reports' aggregates over approved records read only
                      # these; scanning this index instead of the wide rows took it from ~200 to ~110 ms.
                      sa.Index("ix_project_approved_dates", "approved_negotiating_on", "approved_signed_on",
                               "approved_started_on", "approved_producing_on", "approved_terminated_on",
                               "agreed_investment_wan", "chain_node_id", "unit_id", "investor_id"),
                      sa.Index("ix_project_updated_at_id", "updated_at", "id"))  # the API's updated_since

    @property
    def stage_label(self) -> str:
        return Stage.label_of(self.stage)

    @property
    def is_big(self) -> bool:
        return (self.agreed_investment_wan or 0) >= BIG_PROJECT_WAN


# What a project signed (or later) into a park commits of each capacity kind it needs.
NEEDS = {CapacityKind.LAND: Project.land_mu, CapacityKind.FACTORY: Project.factory_m2,
         CapacityKind.ENERGY: Project.energy_tce, CapacityKind.POWER: Project.power_kva,
         CapacityKind.WATER: Project.water_t_per_day, CapacityKind.COD: Project.cod_t,
         CapacityKind.AMMONIA: Project.ammonia_t, CapacityKind.SO2: Project.so2_t, CapacityKind.NOX: Project.nox_t}
COMMITTING = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)


class Reviewed:
    """Columns of a record that waits for a manager's review (审核)."""

    review_status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ReviewStatus.PENDING, index=True)
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    review_opinion: so.Mapped[str | None] = so.mapped_column(sa.Text)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def review_label(self) -> str:
        return ReviewStatus.label_of(self.review_status)


class StageEvent(Versioned, Reviewed, Audited, db.Model):
    """A move of a project to a stage, dated by when it really happened (effective_on)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("project.id"), index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(20))
    effective_on: so.Mapped[date] = so.mapped_column(index=True)
    # Only the month is known (a ledger wrote 201602): effective_on is its first day.
    month_only: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # A correction is a new event pointing at the one it replaces; nothing is overwritten.
    supersedes_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stage_event.id"), index=True)
    # A correction that takes the replaced move back altogether (recorded by mistake).
    withdrawn: so.Mapped[bool] = so.mapped_column(default=False)
    # 注册 only: the local company's registered name and capital (注册资本).
    company_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    registered_capital_wan: so.Mapped[Decimal | None] = so.mapped_column(Money)

    project: so.Mapped[Project] = so.relationship(back_populates="stage_events", foreign_keys=[project_id])
    recorded_by: so.Mapped["User | None"] = so.relationship(foreign_keys="StageEvent.recorded_by_id")  # noqa: F821
    reviewed_by: so.Mapped["User | None"] = so.relationship(foreign_keys="StageEvent.reviewed_by_id")  # noqa: F821

    @property
    def stage_label(self) -> str:
        return "撤回" if self.withdrawn else Stage.label_of(self.stage)

    @property
    def date_label(self) -> str:
        """The date as pages show it: 2016-02（月） when a ledger gave only the month."""
        return f"{self.effective_on:%Y-%m}（月）" if self.month_only else self.effective_on.isoformat()


class FundEntry(Versioned, Reviewed, Audited, db.Model):
    """Funds in place for one project, one month, one origin."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("project.id"), index=True)
    month: so.Mapped[date] = so.mapped_column(index=True)  # first day of the month
    origin: so.Mapped[str] = so.mapped_column(sa.String(20))
    amount_wan: so.Mapped[Decimal] = so.mapped_column(Money)
    amount_usd_wan: so.Mapped[Decimal | None] = so.mapped_column(Money)  # 外资 also in 万美元
    evidence: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    project: so.Mapped[Project] = so.relationship()
    recorded_by: so.Mapped["User | None"] = so.relationship(foreign_keys="FundEntry.recorded_by_id")  # noqa: F821
    reviewed_by: so.Mapped["User | None"] = so.relationship(foreign_keys="FundEntry.reviewed_by_id")  # noqa: F821

    @property
    def origin_label(self) -> str:
        return FundOrigin.label_of(self.origin)
