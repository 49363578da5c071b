"""Alembic environment for WhatsApp's contacts and delivery log; run in code by `channels.whatsapp.store.migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
