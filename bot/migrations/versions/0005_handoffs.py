"""Handoffs: a customer's request to talk to a person, and what was said while it was open.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(20), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=False, server_default="[]"),
    )
    op.create_index("ix_handoffs_open", "handoffs", ["closed_at", "closes_at"])
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("by", sa.String(20), nullable=True),
        sa.Column("tell_customer", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_table("handoff_events")
    op.drop_index("ix_handoffs_open", "handoffs")
    op.drop_table("handoffs")
