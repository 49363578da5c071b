"""Reminders and follow-ups: planned as database rows, sent by a lease-claiming loop."""

from .plan import QuietHours, Rules, plan_booking, plan_no_show
from .reminders import ReminderScheduler, Sender

__all__ = ["QuietHours", "ReminderScheduler", "Rules", "Sender", "plan_booking", "plan_no_show"]
