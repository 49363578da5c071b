"""Empfio (an AI front desk on top of Cal.com) as the booking system, through its Bookings API."""

from .backend import EmpfioBackend
from .config import EmpfioConfig

__all__ = ["EmpfioBackend", "EmpfioConfig"]
