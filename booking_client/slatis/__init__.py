"""Slatis as the booking system, through its public REST API v1."""

from .backend import SlatisBackend
from .config import SlatisConfig

__all__ = ["SlatisBackend", "SlatisConfig"]
