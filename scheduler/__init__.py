"""Reminders and follow-ups: planned as database rows, sent by a lease-claiming loop."""

from .plan import QuietHours, Rules, plan_booking, plan_no_show
from .ports import Conversations, Notices, Sender
from .reminders import ReminderScheduler
from .store import ReminderStore, migrate

__all__ = ["Conversations", "Notices", "QuietHours", "ReminderScheduler", "ReminderStore", "Rules", "Sender",
           "migrate", "plan_booking", "plan_no_show"]
