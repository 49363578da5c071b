"""Messages the bot starts: reminders, follow-ups and notifications, planned as rows, sent by lease-claiming loops."""

from .notifications import Notifier, Targets
from .outbox import NotificationStore
from .plan import QuietHours, Rules, plan_booking, plan_no_show
from .ports import Conversations, Notices, Sender
from .reminders import ReminderScheduler
from .store import ReminderStore, migrate

__all__ = ["Conversations", "NotificationStore", "Notices", "Notifier", "QuietHours", "ReminderScheduler",
           "ReminderStore", "Rules", "Sender", "Targets", "migrate", "plan_booking", "plan_no_show"]
