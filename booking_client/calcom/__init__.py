"""Cal.com (or a self-hosted Cal.diy) as the booking system, through its API v2."""

from .backend import CalcomBackend
from .config import CalcomConfig

__all__ = ["CalcomBackend", "CalcomConfig"]
