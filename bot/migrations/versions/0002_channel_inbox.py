"""Channel bookkeeping: inbound messages (de-duplication, order), contacts (24h window, opt-out), outbound status.

Revision ID: 0002
Revises: 0001

These tables now belong to their components and are created by their histories:
inbound messages (the inbox's own history) and WhatsApp's contacts and delivery log (the WhatsApp channel's own history).
A database migrated before keeps them; those histories adopt them as they are.
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
