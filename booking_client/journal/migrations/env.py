"""Alembic environment for the booking journal; run in code by `booking_client.journal.migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
