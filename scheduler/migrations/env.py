"""Alembic environment for the scheduler's tables; run in code by `scheduler.store.migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
