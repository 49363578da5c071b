"""Notifications: one row per message to the business or a customer about a booking or a handoff.

Revision ID: scheduler_0002
Revises: scheduler_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "scheduler_0002"
down_revision = "scheduler_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("dedupe", sa.String(300), nullable=False, unique=True),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("booking_id", sa.String(64), nullable=True),
        sa.Column("booking_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("user_key", sa.String(200), nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_token", sa.String(40), nullable=True),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("sent_ref", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_notifications_status_not_before", "notifications", ["status", "not_before"])
    op.create_index("ix_notifications_booking", "notifications", ["booking_id"])
    op.create_index("ix_notifications_sent_ref", "notifications", ["target", "sent_ref"])


def downgrade() -> None:
    op.drop_index("ix_notifications_sent_ref", "notifications")
    op.drop_index("ix_notifications_booking", "notifications")
    op.drop_index("ix_notifications_status_not_before", "notifications")
    op.drop_table("notifications")
