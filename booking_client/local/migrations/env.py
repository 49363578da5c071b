"""Alembic environment for the booking engine's tables; run in code by `migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
