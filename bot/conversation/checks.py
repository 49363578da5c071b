"""A question checking what is on the table ("is that with Sarah?", "ist das am Freitag?"): answered from it.

Where everything the question names is as asked, it is said so and the question asked again; where something
differs ("is that at 3?" of an 11:00 booking), the message is taken as the change it amounts to, as before."""

from __future__ import annotations

import bot.conversation.booking as booking
import bot.conversation.changes as changes
import bot.conversation.confirm as confirm

from .events import Checks, Said
from .state import Step
from .turn import Turn


async def answer(turn: Turn, checks: Checks) -> None:
    """"Yes: Haircut with Sarah on Fri 11 Dec, 15:00." and the question again; else the change it names."""
    p, r = turn.state.pending, checks.reading
    if p is None:
        confirm.ask_again(turn)
        return
    local = turn.local(p.start)
    if r.staff in (None, p.staff) and r.service in (None, p.service) and r.date in (None, local.date()) \
            and r.time in (None, local.time().replace(tzinfo=None)):
        said = turn.t("check_yes", service=turn.service_name(p.service), staff=turn.staff_name(p.staff),
                      when=turn.when(p.start))
        confirm.ask_again(turn, before=said)
        return
    said = Said(checks.reading, checks.text)
    if turn.state.step is Step.CONFIRM_MOVE:
        await changes.new_time(turn, said)
    else:
        await booking.more_details(turn, said)
