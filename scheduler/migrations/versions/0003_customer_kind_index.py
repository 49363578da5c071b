"""A customer's planned nudge found by an index on (kind, status, user_key).

Revision ID: scheduler_0003
Revises: scheduler_0002

Each reminder tick drops a customer's nudge for an earlier silence when it plans one for a later one, and the nudges
of customers who finished their booking. Without an index on the customer that read every planned reminder, and on
SQLite (whose planner has no statistics here) often the whole table, which keeps every reminder, follow-up and nudge
ever planned: 94 ms for a lot of a hundred customers at some 20,000 rows, on the event loop's thread.
"""
from alembic import op

revision = "scheduler_0003"
down_revision = "scheduler_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reminders_kind_status_user", "reminders", ["kind", "status", "user_key"])


def downgrade() -> None:
    op.drop_index("ix_reminders_kind_status_user", table_name="reminders")
