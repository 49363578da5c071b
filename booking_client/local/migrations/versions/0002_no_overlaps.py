"""PostgreSQL refuses a staff member's overlapping active bookings; the per-staff lock rows go.

The engine's writes on PostgreSQL are single statements that rely on the exclusion constraint (single.py)
instead of holding a staff member's row lock from the overlap check to the commit. The constraint needs the
btree_gist extension (trusted since PostgreSQL 13: the database's owner may create it). It goes into the schema
`public` where the bot may create objects there, so that dropping the bot's own schema never takes the
extension from another schema's constraint; else into the bot's schema. SQLite keeps its one writer's check.

Revision ID: 0002_no_overlaps
Revises: 0001_bookings
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from storage import MigrationError

revision = "0002_no_overlaps"
down_revision = "0001_bookings"
branch_labels = None
depends_on = None

ACTIVE = "('confirmed', 'pending', 'rescheduled')"

NOT_INSTALLED = (
    "the booking engine needs PostgreSQL's btree_gist extension, which this server does not have: install the "
    "server's contrib modules (on Debian and Ubuntu part of the postgresql package), then start the bot again"
)
NO_EXTENSION = (
    "the booking engine needs PostgreSQL's btree_gist extension, and this database user may not create it: "
    "ask the database's owner to run CREATE EXTENSION btree_gist; in this database, then start the bot again"
)


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        _btree_gist()
        _no_overlaps_yet()
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_staff_time EXCLUDE USING gist "
            f"(staff WITH =, tstzrange(start_at, blocked_until) WITH &&) WHERE (status IN {ACTIVE})"
        )
    op.drop_table("booking_staff_locks")


def downgrade() -> None:
    op.create_table(
        "booking_staff_locks",
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name="pk_booking_staff_locks"),
    )
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint("ex_bookings_staff_time", "bookings")


def _btree_gist() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")).first():
        return
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'")).first():
        raise MigrationError(NOT_INSTALLED)
    public = bind.execute(sa.text(
        "SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = 'public'")).scalar()
    allowed = bind.execute(sa.text("SELECT has_database_privilege(current_database(), 'CREATE')")).scalar()
    if not allowed:
        raise MigrationError(NO_EXTENSION)
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist" + (" SCHEMA public" if public else ""))


def _no_overlaps_yet() -> None:
    """Bookings written past the engine (by hand, a restore) may overlap: the constraint cannot be added then, so the
    operator hears which ones (ids and times, no customer) and what to do."""
    rows = op.get_bind().execute(sa.text(
        "SELECT a.id AS one, b.id AS other, a.staff, a.start_at FROM bookings a JOIN bookings b ON a.staff = b.staff "
        f"AND a.id < b.id AND a.status IN {ACTIVE} AND b.status IN {ACTIVE} "
        "AND a.start_at < b.blocked_until AND b.start_at < a.blocked_until ORDER BY a.start_at LIMIT 5")).all()
    if rows:
        pairs = "; ".join(f"{r.staff} at {r.start_at:%Y-%m-%d %H:%M} UTC: bookings {r.one} and {r.other}" for r in rows)
        raise MigrationError(
            f"active bookings of one staff member overlap, which the booking engine no longer allows ({pairs}): "
            "cancel one of each (UPDATE bookings SET status = 'cancelled' WHERE id = '…'), then start the bot again")
