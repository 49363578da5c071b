"""Reminders and follow-ups (one row per message to send, claimed with a lease) and the change cursor.

Revision ID: scheduler_0001
Revises:

A database migrated by an earlier version already has these tables (they were part of
the conversation store's history then); they are adopted as they are.
"""
import sqlalchemy as sa
from alembic import op

revision = "scheduler_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("reminders"):
        op.create_table(
            "reminders",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("dedupe", sa.String(300), nullable=False, unique=True),
            sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("booking_id", sa.String(64), nullable=True),
            sa.Column("user_key", sa.String(200), nullable=False),
            sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
            sa.Column("status", sa.String(12), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
            sa.Column("lease_token", sa.String(40), nullable=True),
            sa.Column("note", sa.String(300), nullable=True),
            sa.Column("booking_start", sa.DateTime(timezone=True), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        )
        op.create_index("ix_reminders_status_not_before", "reminders", ["status", "not_before"])
        op.create_index("ix_reminders_booking", "reminders", ["booking_id"])
    if not inspector.has_table("scheduler_cursor"):
        op.create_table(
            "scheduler_cursor",
            sa.Column("name", sa.String(40), primary_key=True),
            sa.Column("position", sa.Integer(), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("scheduler_cursor")
    op.drop_index("ix_reminders_booking", "reminders")
    op.drop_index("ix_reminders_status_not_before", "reminders")
    op.drop_table("reminders")
