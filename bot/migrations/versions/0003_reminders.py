"""Reminders and follow-ups: one row per message to send, claimed with a lease.

Revision ID: 0003
Revises: 0002

These tables now belong to their components and are created by their histories:
reminders and the change cursor (the scheduler's own history).
A database migrated before keeps them; those histories adopt them as they are.
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
