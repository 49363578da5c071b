"""A question checking what is on the table ("is that with Sarah?", "ist das am Freitag?"): answered from it.

Where everything the question names is as asked, it is said so and the question asked again; where something
differs ("is that at 3?" of an 11:00 booking), the message is taken as the change it amounts to, as before."""

from __future__ import annotations

import bot.conversation.booking as booking
import bot.conversation.changes as changes
import bot.conversation.confirm as confirm
import bot.conversation.group as group
from intents import Reading

from .events import Checks, Said
from .state import Pending, Step
from .turn import Turn


async def answer(turn: Turn, checks: Checks) -> None:
    """"Yes: Haircut with Sarah on Fri 11 Dec, 15:00." and the question again; else the change it names. Of several
    appointments, the ones it is so of are said; of none, the question shows what is asked."""
    p, r = turn.state.pending, checks.reading
    if p is None:
        confirm.ask_again(turn)
        return
    if turn.state.group:
        lines = [group.line(turn, n, q.service, q.staff, q.start, name=group.name_of(turn, q))
                 for n, q in enumerate(turn.state.group, 1) if _is_so(turn, q, r)]
        confirm.ask_again(turn, before="\n".join([turn.t("check_yes_these"), *lines]) if lines else "")
        return
    if _is_so(turn, p, r):
        said = turn.t("check_yes", service=turn.service_name(p.service), staff=turn.staff_name(p.staff),
                      when=turn.when(p.start))
        confirm.ask_again(turn, before=said)
        return
    said = Said(checks.reading, checks.text)
    if turn.state.step is Step.CONFIRM_MOVE:
        await changes.new_time(turn, said)
    else:
        await booking.more_details(turn, said)


def _is_so(turn: Turn, p: Pending, r: Reading) -> bool:
    """Whether everything the question names is as `p` has it."""
    local = turn.local(p.start)
    return r.staff in (None, p.staff) and r.service in (None, p.service) and r.date in (None, local.date()) \
        and r.time in (None, local.time().replace(tzinfo=None))
