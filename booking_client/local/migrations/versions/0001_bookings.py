"""Bookings, per-staff locks and the booking change log.

Revision ID: 0001_bookings
Revises:
Create Date: 2026-05-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_bookings"
down_revision = None
branch_labels = None
depends_on = None

STATUSES = "('confirmed', 'cancelled', 'rescheduled', 'completed', 'no_show')"
KINDS = "('created', 'cancelled', 'rescheduled', 'status')"


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("start_at", _when(), nullable=False),
        sa.Column("end_at", _when(), nullable=False),
        sa.Column("blocked_until", _when(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("contact_ref", sa.String(255), nullable=False),
        sa.Column("contact_name", sa.String(255), nullable=True),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column("contact_phone", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint("idempotency_key", name="uq_bookings_idempotency_key"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_bookings_status"),
        sa.CheckConstraint("end_at > start_at AND blocked_until >= end_at", name="ck_bookings_times"),
    )
    op.create_index("ix_bookings_contact_ref", "bookings", ["contact_ref"])
    op.create_index("ix_bookings_staff_status_start", "bookings", ["staff", "status", "start_at"])

    op.create_table(
        "booking_staff_locks",
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name="pk_booking_staff_locks"),
    )

    op.create_table(
        "booking_events",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_booking_events"),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_booking_events_booking_id_bookings", ondelete="CASCADE"
        ),
        sa.CheckConstraint(f"kind IN {KINDS}", name="ck_booking_events_kind"),
    )
    op.create_index("ix_booking_events_booking_id", "booking_events", ["booking_id"])


def downgrade() -> None:
    op.drop_table("booking_events")
    op.drop_table("booking_staff_locks")
    op.drop_table("bookings")
