"""Sector chains (产业链) and their node trees (环节), the base of the chain map (招商图谱)."""
import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import Audited, Timestamped, Versioned
from app.models.enums import GapMark, NodeRole, Segment


class Chain(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    cluster: so.Mapped[str] = so.mapped_column(sa.String(100))  # 产业集群
    leader: so.Mapped[str | None] = so.mapped_column(sa.String(50))  # 链长
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("org_unit.id"), index=True)  # 责任单位
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)

    unit: so.Mapped["OrgUnit"] = so.relationship()  # noqa: F821
    nodes: so.Mapped[list["ChainNode"]] = so.relationship(
        back_populates="chain", cascade="all, delete-orphan", order_by="ChainNode.id"
    )


class ChainNode(Versioned, Audited, Timestamped, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    chain_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("chain.id"), index=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("chain_node.id"), index=True)
    segment: so.Mapped[str] = so.mapped_column(sa.String(20))  # 上游 / 中游 / 下游
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    industry_codes: so.Mapped[str | None] = so.mapped_column(sa.String(100))  # GB/T 4754, comma-separated
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    key_technologies: so.Mapped[str | None] = so.mapped_column(sa.Text)
    gap: so.Mapped[str] = so.mapped_column(sa.String(20), default=GapMark.PRESENT)

    chain: so.Mapped[Chain] = so.relationship(back_populates="nodes")
    parent: so.Mapped["ChainNode | None"] = so.relationship(remote_side=[id])

    # Names are unique under one parent; top-level nodes (no parent) are checked by the service.
    __table_args__ = (sa.UniqueConstraint("chain_id", "parent_id", "name"),)

    @property
    def gap_label(self) -> str:
        return GapMark.label_of(self.gap)

    @property
    def segment_label(self) -> str:
        return Segment.label_of(self.segment)


class EnterpriseNode(Audited, db.Model):
    """An enterprise's place on a chain: 本地企业 / 链主 / 目标企业."""

    enterprise_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )
    node_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("chain_node.id", ondelete="CASCADE"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20))

    # A node's enterprises by role, counted for the chain map from the index alone.
    __table_args__ = (sa.Index("ix_enterprise_node_node_id_role", "node_id", "role", "enterprise_id"),)

    enterprise: so.Mapped["Enterprise"] = so.relationship()  # noqa: F821
    node: so.Mapped[ChainNode] = so.relationship()

    @property
    def role_label(self) -> str:
        return NodeRole.label_of(self.role)
