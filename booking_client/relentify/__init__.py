"""Relentify's Bookings API as the booking system: booking links as services, its staff as ours."""

from .backend import RelentifyBackend
from .config import RelentifyConfig

__all__ = ["RelentifyBackend", "RelentifyConfig"]
