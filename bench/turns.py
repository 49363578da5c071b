"""Full turns through `booking-bot run`: signed Twilio webhooks in, replies out through a fake Twilio.

Starts `booking-bot run` as a child process (a SQLite file in a temp dir, or a database of its own on
PostgreSQL, dropped afterwards) with WhatsApp pointed at the fake Twilio of tests/channels/fake_twilio.py,
and a bare aiohttp handler (reads the form, answers the same empty TwiML) as a second child process,
the reference. Customers write signed webhooks (the SDK's RequestValidator, as Twilio signs them) and
each runs a short conversation the demo salon understands: hello, a haircut at a time of its own, the
name, yes, list, cancel, yes, bye (a booking made and cancelled, one reply per message). Writes the
numbers, with the machine, into the "## turns" section of bench/RESULTS.md.

    .venv/bin/python bench/turns.py                     # SQLite file in a temp dir
    .venv/bin/python bench/turns.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/turns.py --profile 20        # and a py-spy profile of the bot under load
    .venv/bin/python bench/turns.py --database-url postgresql+asyncpg://… --processes 2   # scaled out
    .venv/bin/python bench/turns.py --smoke             # tiny sizes, not recorded

Phases, one after another against the same bot:
- calibration: one customer, one message at a time, waiting for the replies: how many replies each
  step gets and how each begins (the other customers are checked against it);
- as fast as possible: N customers x the conversation over C keep-alive connections (a customer's next
  message only after its previous one was acknowledged), the same requests against the bare handler
  first. Gives the acknowledgement's throughput and p50/p99 against the bare handler's, and full turns/s
  (webhook sent -> its reply accepted by the fake Twilio's Messages API) until every reply is in, the
  bot's CPU time per turn (/proc), and on PostgreSQL transactions and rows written per turn;
- fixed rate: messages offered at a steady rate (default half of the capacity just measured) from their
  scheduled times (open loop: a late request counts from when it should have left), end-to-end p50/p99;
  three runs of it (--repeats), new customers each time: one run's p99 hangs on a few slow moments and
  swings several-fold between identical runs, so the run with the median p99 is reported, with the spread;
- overload: offered above capacity (default twice it) for a while: acknowledgement latency, the backlog
  (messages acknowledged but not answered yet) over time, how long it takes to drain, /healthz meanwhile,
  and whether every customer still got every reply in order.
Then, with the bot idle, a reference for the machine itself: the CPU of one turn-sized piece of pure Python done
back to back and done on a timer at the fixed rate (a process of its own). On a shared 2-CPU machine the same work
costs more when it wakes for each message than in a flood (cold caches, the other CPU's load), and so does a turn:
the flood's capacity overstates what a steady rate can have.
With --processes N (PostgreSQL), N bots share the database and each webhook goes to the next one, as a
round-robin load balancer would send them: a customer's messages land on different processes, and still have
to be answered in order (CPU is the bots' together; memory the largest one's; /healthz the first one's).
With --profile, py-spy (if installed in the venv; not a dependency) records the bot twice for that long:
from the start of the as-fast-as-possible phase (webhooks pouring in) and from its last acknowledgement
(turns only); each time one profile of the samples holding the GIL (where the CPU goes) and one of all
active threads (where they wait). The bot's RSS is read idle after start and after the run.
Messages are sent on schedule without waiting for the previous reply; the bot keeps each customer's
order, so each conversation still reads as if the customer had waited. Each customer asks for a
different slot (about 680 half hours in the booking horizon), so concurrent customers do not take each
other's times.

Not a test, and never timed in CI (tests/test_bench_turns_smoke.py runs --smoke and checks replies only).
The load generator and the fake Twilio share one Python process, so the bare handler's figure is also
bounded by that client: the ratio flatters the bot, if anything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
import tomllib
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "channels"))
sys.path.insert(0, str(ROOT / "tests"))
from recording import machine, revision, write_subsection  # noqa: E402

MEASURED = ("bot", "channels", "intents", "booking_client", "scheduler", "storage")  # what a change in the working tree makes the numbers not the commit's

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio  # noqa: E402
from local_ports import free_port  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

BOT = Path(sys.executable).with_name("booking-bot")
BUSINESS = ROOT / "booking_client" / "data" / "demo_business.toml"
PUBLIC = "https://bot.example.com"
INBOUND = "/whatsapp/inbound"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
SCRIPT = ["hi", "haircut on {day} at {time}", "{name}", "yes", "show my appointments", "cancel it", "yes",
          "thanks, bye"]
FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Lena", "Max"]
LAST = ["Schmidt", "Müller", "Weber", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein", "Wolf"]
STALL = 30.0  # seconds without a new reply after which the missing ones are counted as lost


# --- the demo salon's calendar: a different slot for each customer ----------------------------


def slots() -> list[tuple[str, str]]:
    """(day phrase, time) for every half hour the demo salon is open from the day after tomorrow on,
    weekdays only, closures left out, within the booking horizon."""
    biz = tomllib.loads(BUSINESS.read_text(encoding="utf-8"))
    closed = {c["date"] for c in biz.get("closures", []) if "date" in c}
    today = datetime.now(ZoneInfo(biz["timezone"])).date()
    out = []
    for offset in range(2, int(biz.get("horizon_days", 60)) - 3):
        day: date = today + timedelta(days=offset)
        if day.weekday() >= 5 or day in closed:
            continue
        phrase = f"{day:%A} {day.day} {day:%B}"
        out += [(phrase, f"{h:02d}:{m:02d}") for h in range(9, 18) for m in (0, 30)]
    return out


# --- customers, messages and what the fake Twilio received -------------------------------------


@dataclass
class Message:
    customer: Customer
    step: int
    body: bytes
    headers: dict[str, str]
    start: float = 0.0  # when it left (or was scheduled to leave)
    acked: float = 0.0
    status: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Customer:
    phone: str
    texts: list[str]
    messages: list[Message] = field(default_factory=list)
    replies: list[tuple[float, str]] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"whatsapp:{self.phone}"


class Replies(list):
    """The fake Twilio's list of accepted messages, noting when each reply to one of our customers came."""

    def __init__(self) -> None:
        super().__init__()
        self.customers: dict[str, Customer] = {}

    def append(self, message) -> None:  # called by the fake's Messages.create handler
        super().append(message)
        customer = self.customers.get(message.to)
        if customer is not None:
            customer.replies.append((time.perf_counter(), message.body or ""))


class Load:
    """The customers' side: builds signed webhooks and sends them over `connections` connections."""

    def __init__(self, fake: FakeTwilio, connections: int) -> None:
        self.fake = fake
        self.replies = Replies()
        fake.messages = self.replies
        self.validator = RequestValidator(AUTH_TOKEN)
        self.public_url = PUBLIC + INBOUND
        self.slots = slots()
        self.next_customer = 0
        self.connections = connections
        self.session: aiohttp.ClientSession | None = None
        self.turn = 0  # the last bot process a webhook went to

    async def __aenter__(self) -> Load:
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.connections))
        return self

    async def __aexit__(self, *exc) -> None:
        assert self.session is not None
        await self.session.close()

    def customers(self, prefix: int, n: int, slot: int | None = None) -> list[Customer]:
        out = []
        for i in range(n):
            c = self.next_customer
            self.next_customer += 1
            day, at = self.slots[(c if slot is None else slot) % len(self.slots)]
            name = f"{FIRST[c % len(FIRST)]} {LAST[(c // len(FIRST)) % len(LAST)]}"
            customer = Customer(f"+4915{prefix}{i:07d}", [t.format(day=day, time=at, name=name) for t in SCRIPT])
            self.replies.customers[customer.address] = customer
            self.fake.last_inbound[customer.address] = self.fake.now  # inside WhatsApp's 24-hour window
            for step, text in enumerate(customer.texts):
                params = self.fake.inbound_params(customer.phone, text, f"SM{uuid.uuid4().hex}")
                headers = {"X-Twilio-Signature": self.validator.compute_signature(self.public_url, params),
                           "Content-Type": "application/x-www-form-urlencoded"}
                customer.messages.append(Message(customer, step, urlencode(params).encode(), headers))
            out.append(customer)
        return out

    async def post(self, url: str | list[str], msg: Message, start: float | None = None) -> None:
        """Send one webhook; to several bot processes, each request to the next (a round-robin load balancer:
        a customer's messages land on different processes)."""
        assert self.session is not None
        if msg.step:
            await msg.customer.messages[msg.step - 1].done.wait()  # the customer's order, as Twilio keeps it
        if isinstance(url, list):
            self.turn += 1
            url = url[self.turn % len(url)]
        msg.start = time.perf_counter() if start is None else start
        try:
            async with self.session.post(url, data=msg.body, headers=msg.headers) as response:
                await response.read()
                msg.status = response.status
        except aiohttp.ClientError:
            msg.status = -1
        msg.acked = time.perf_counter()
        msg.done.set()

    async def as_fast_as_possible(self, url: str | list[str], messages: list[Message]) -> None:
        queue = iter(messages)

        async def worker() -> None:
            for msg in queue:
                await self.post(url, msg)

        await asyncio.gather(*(worker() for _ in range(self.connections)))

    async def at_rate(self, url: str | list[str], messages: list[Message], rate: float) -> float:
        """Offer `messages` at `rate`/s from their scheduled times; returns how far the sender fell behind (s)."""
        tasks, lag = [], 0.0
        t0 = time.perf_counter() + 0.05
        for i, msg in enumerate(messages):
            at = t0 + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, time.perf_counter() - at)
            tasks.append(asyncio.create_task(self.post(url, msg, start=at)))
        await asyncio.gather(*tasks)
        return lag

    async def wait_for_replies(self, customers: list[Customer], expected: list[int]) -> None:
        """Until every customer has the replies to what it sent, or no reply came for STALL seconds."""
        owed = sum(sum(expected[: len([m for m in c.messages if m.status == 200])]) for c in customers)
        last, since = -1, time.perf_counter()
        while True:
            got = sum(len(c.replies) for c in customers)
            if got >= owed:
                return
            if got != last:
                last, since = got, time.perf_counter()
            elif time.perf_counter() - since > STALL:
                return
            await asyncio.sleep(0.05)


def round_robin(customers: list[Customer]) -> list[Message]:
    """Every customer's first message, then every customer's second, and so on."""
    return [c.messages[step] for step in range(len(SCRIPT)) for c in customers]


def words(text: str, n: int = 3) -> str:
    return " ".join(text.split()[:n])


# --- measuring ----------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    customers: list[Customer]
    messages: list[Message]
    expected: list[int]
    offered_rate: float | None = None
    sender_lag: float = 0.0
    backlog: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, replies owed)
    health: list[tuple[float, float, int]] = field(default_factory=list)  # (t, latency s, turns_in_flight)
    sent_until: float = 0.0
    cpu_seconds: float = float("nan")  # the bot's CPU time (all threads, user + system) during the phase
    harness_cpu_seconds: float = float("nan")  # this process's: the load generator and the fake Twilio
    machine_busy: float = float("nan")  # cores busy on the whole machine on average (bot, harness, database, kernel)
    db_counts: tuple[int, int] | None = None  # PostgreSQL: transactions and rows written during the phase

    @property
    def t0(self) -> float:
        return min(m.start for m in self.messages)

    def ack(self) -> list[float]:
        return [m.acked - m.start for m in self.messages]

    def ack_rate(self) -> float:
        return len(self.messages) / (max(m.acked for m in self.messages) - self.t0)

    def turn_done(self, msg: Message) -> float | None:
        """When the last reply to `msg` reached the fake Twilio (None: it never did)."""
        upto = sum(self.expected[: msg.step + 1])
        replies = msg.customer.replies
        return replies[upto - 1][0] if self.expected[msg.step] and len(replies) >= upto else None

    def e2e(self) -> list[float]:
        return [d - m.start for m in self.messages if (d := self.turn_done(m)) is not None]

    def done_times(self) -> list[float]:
        return sorted(d for m in self.messages if (d := self.turn_done(m)) is not None)

    def turn_rate(self) -> float:
        done = self.done_times()
        return len(done) / (done[-1] - self.t0) if done else 0.0

    def steady_rate(self) -> float:
        """Turns/s between the 10th and the 90th percent of the replies (no ramp-up, no tail)."""
        done = self.done_times()
        if len(done) < 20:
            return self.turn_rate()
        a, b = done[len(done) // 10], done[len(done) * 9 // 10]
        return (len(done) * 8 // 10) / (b - a) if b > a else float("nan")

    def drain_seconds(self) -> float:
        done = self.done_times()
        return done[-1] - self.sent_until if done else float("nan")

    def missing(self) -> int:
        """Replies owed for acknowledged messages that never reached the fake Twilio."""
        return sum(max(0, sum(self.expected[: self._sent(c)]) - len(c.replies)) for c in self.customers)

    def _sent(self, c: Customer) -> int:
        return sum(1 for m in c.messages if m.status)

    def non_200(self) -> int:
        return sum(1 for m in self.messages if m.status != 200)

    def complete(self) -> int:
        """Customers who got exactly the replies owed for what they sent."""
        return sum(1 for c in self.customers if len(c.replies) == sum(self.expected[: self._sent(c)]))

    def as_expected(self, shape: list[str]) -> int:
        """Customers whose replies begin, one by one, as the calibration customer's did (order and path)."""
        return sum(1 for c in self.customers
                   if [words(b) for _, b in c.replies] == shape[: sum(self.expected[: self._sent(c)])])


async def sample(phase: Phase, load: Load, bot_url: str, stop: asyncio.Event, every: float = 0.25) -> None:
    """Backlog (replies owed for acknowledged messages) and /healthz, every `every` seconds."""
    assert load.session is not None
    t0 = time.perf_counter()
    async with aiohttp.ClientSession() as health:  # its own connection: not queued behind the load
        while not stop.is_set():
            acked = sum(phase.expected[m.step] for m in phase.messages if m.status == 200)
            got = sum(len(c.replies) for c in phase.customers)
            now = time.perf_counter()
            phase.backlog.append((now - t0, acked - got))
            try:
                async with health.get(bot_url + "/healthz") as r:
                    body = await r.json()
                phase.health.append((now - t0, time.perf_counter() - now, int(body.get("turns_in_flight", -1))))
            except (aiohttp.ClientError, ValueError):
                phase.health.append((now - t0, time.perf_counter() - now, -1))
            await asyncio.sleep(every)


# --- the processes ------------------------------------------------------------------------------


def machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU of the machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle and waiting for I/O
    return sum(values[:8]) - idle, sum(values[:8])


class Usage:
    """CPU used from now until `stop`: the bot's, this process's (the harness), and the machine's."""

    def __init__(self, pids: int | list[int]) -> None:
        self.pids = pids
        self.bot, self.harness, self.machine = cpu_seconds(pids), time.process_time(), machine_ticks()

    def stop(self, phase: Phase) -> None:
        busy, total = machine_ticks()
        phase.cpu_seconds = cpu_seconds(self.pids) - self.bot
        phase.harness_cpu_seconds = time.process_time() - self.harness
        phase.machine_busy = (busy - self.machine[0]) / max(1, total - self.machine[1]) * (os.cpu_count() or 1)


def cpu_seconds(pids: int | list[int]) -> float:
    """User + system CPU time of a process (or several together), all their threads."""
    total = 0.0
    for pid in [pids] if isinstance(pids, int) else pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_mib(pid: int, field_name: str = "VmRSS") -> float:
    m = re.search(rf"^{field_name}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(m.group(1)) / 1024 if m else float("nan")


async def serve_bare(port: int) -> None:
    """The reference: an aiohttp handler that reads the form and answers the empty TwiML."""

    async def inbound(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    app = web.Application()
    app.router.add_post(INBOUND, inbound)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


def reference_work() -> int:
    """A turn-sized piece of pure Python: a state-like dict to JSON and back, and a regex over it."""
    state = {f"k{i}": [i, str(i), {"a": i}] for i in range(300)}
    text = json.dumps(state)
    return len(json.loads(text)) + len(re.findall(r"k\d+", text))


async def paced_reference(rate: float, n: int) -> None:
    """The machine's own cost of a steady rate: CPU per piece of `reference_work` back to back, then each on a timer
    at `rate`/s as the bot wakes for each message; prints both in µs as JSON."""
    start = time.process_time()
    for _ in range(n):
        reference_work()
    flood = (time.process_time() - start) / n
    loop, done = asyncio.get_running_loop(), asyncio.Event()
    count = [0]

    def one() -> None:
        reference_work()
        count[0] += 1
        if count[0] == n:
            done.set()

    t0, start = loop.time(), time.process_time()
    for i in range(n):
        loop.call_at(t0 + i / rate, one)
    await done.wait()
    paced = (time.process_time() - start) / n
    print(json.dumps({"flood_us": flood * 1e6, "paced_us": paced * 1e6}), flush=True)


async def measure_paced_reference(rate: float, n: int) -> tuple[float, float] | None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).resolve()), "--paced-reference", f"{rate:g}", str(n),
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    try:
        found = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return found["flood_us"], found["paced_us"]


async def start_child(cmd: list[str], env: dict[str, str], cwd: Path, ready: str, log: Path
                      ) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=log.open("wb"))
    assert proc.stdout is not None
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        if not line:
            raise SystemExit(f"{cmd[0]} did not start: {log.read_text(errors='replace')[-2000:]}")
        if ready in line:
            break

    async def drain(stream: asyncio.StreamReader) -> None:
        while await stream.readline():
            pass

    asyncio.get_running_loop().create_task(drain(proc.stdout))
    return proc


async def stop_child(proc: asyncio.subprocess.Process) -> int:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 40)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    return proc.returncode if proc.returncode is not None else -9


class Database:
    """A SQLite file in a temp dir, or on PostgreSQL a database of its own, dropped afterwards."""

    def __init__(self, url: str | None, tmp: Path) -> None:
        self.admin_url = url
        self.name = f"bench_turns_{uuid.uuid4().hex[:10]}"
        self.url = f"sqlite+aiosqlite:///{tmp / 'bot.db'}" if url is None else ""
        self.describe = ""

    async def __aenter__(self) -> Database:
        if self.admin_url is None:
            self.describe = f"SQLite {sqlite3.sqlite_version} (file in a temp dir, statements on the event loop's thread)"
            return self
        import asyncpg
        from sqlalchemy.engine import make_url

        admin = make_url(self.admin_url)
        conn = await asyncpg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False))
        try:
            version = await conn.fetchval("SHOW server_version")
            await conn.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await conn.close()
        self.url = admin.set(database=self.name).render_as_string(hide_password=False)
        self.describe = f"PostgreSQL {version.split()[0]} ({admin.host}, asyncpg, database of its own)"
        return self

    async def counters(self) -> tuple[int, int] | None:
        """PostgreSQL's (transactions, rows written) in this database so far; None on SQLite."""
        if self.admin_url is None:
            return None
        import asyncpg
        from sqlalchemy.engine import make_url

        await asyncio.sleep(1.5)  # backends report their statistics at most once a second
        conn = await asyncpg.connect(make_url(self.admin_url).set(drivername="postgresql")
                                     .render_as_string(hide_password=False))
        try:
            row = await conn.fetchrow("SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + "
                                      "tup_deleted AS written FROM pg_stat_database WHERE datname = $1", self.name)
        finally:
            await conn.close()
        return int(row["xacts"]), int(row["written"])

    async def __aexit__(self, *exc) -> None:
        if self.admin_url is None:
            return
        import asyncpg
        from sqlalchemy.engine import make_url

        conn = await asyncpg.connect(make_url(self.admin_url).set(drivername="postgresql")
                                     .render_as_string(hide_password=False))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()


def bot_env(db_url: str, twilio_base: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "PUBLIC_", "HTTP_", "RATE_", "SMTP_", "OPERATOR_",
                                "DATABASE_", "BOOKING_", "INTENT_", "OPENAI_", "BUSINESS_"))}
    env.update(DATABASE_URL=db_url, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               TWILIO_WHATSAPP_FROM=SENDER, TWILIO_API_BASE=twilio_base, PUBLIC_BASE_URL=PUBLIC,
               HTTP_PORT=str(port))
    return env


# --- profile ------------------------------------------------------------------------------------


def py_spy() -> Path | None:
    exe = Path(sys.executable).with_name("py-spy")
    return exe if exe.exists() else None


WINDOWS = {
    "flood": "while the webhooks pour in (from the start of the as-fast-as-possible phase)",
    "turns": "after the last webhook was acknowledged (the bot working through the backlog of turns only)",
    "steady": "at the fixed rate (from the start of its first run)",
}


class Profiler:
    """py-spy on the bot for `seconds` from the start of each window: one profile of the samples holding
    the GIL (where the CPU goes) and one of every active thread (where the threads wait)."""

    def __init__(self, seconds: float, pid: int, tmp: Path) -> None:
        self.exe = py_spy() if seconds else None
        self.seconds, self.pid, self.tmp = seconds, pid, tmp
        self.procs: dict[str, list[asyncio.subprocess.Process]] = {}

    async def start(self, window: str) -> None:
        if self.exe is None:
            return
        self.procs[window] = [await asyncio.create_subprocess_exec(
            str(self.exe), "record", "--pid", str(self.pid), "--duration", str(int(self.seconds)), "--rate", "100",
            "--format", "raw", "--output", str(self.tmp / f"{window}-{kind}.txt"), "--nonblocking", *extra,
            stdout=asyncio.subprocess.DEVNULL, stderr=(self.tmp / f"py-spy-{window}-{kind}.log").open("wb"))
            for kind, extra in (("gil", ["--gil"]), ("wall", []))]

    async def results(self) -> dict[str, dict] | None:
        if not self.procs:
            return None
        await asyncio.gather(*(p.wait() for procs in self.procs.values() for p in procs))
        keep = Path(tempfile.gettempdir()) / f"bench-turns-profile-{self.pid}"
        keep.mkdir(exist_ok=True)
        out = {}
        for window in self.procs:
            gil, wall = self.tmp / f"{window}-gil.txt", self.tmp / f"{window}-wall.txt"
            summary = summarize_profile(gil, wall)
            if not summary["samples"]:
                summary = {"error": (self.tmp / f"py-spy-{window}-gil.log").read_text(errors="replace")[-500:]}
            for f in (gil, wall):
                if f.exists():
                    (keep / f.name).write_bytes(f.read_bytes())
            out[window] = summary
        print(f"py-spy's collapsed stacks kept in {keep}", flush=True)
        return out


def summarize_profile(gil: Path, wall: Path, top: int = 15) -> dict:
    """From py-spy's collapsed stacks: where the CPU goes (samples holding the GIL: top functions by own
    samples, packages by own and by inclusive samples), and what the bot's threads do meanwhile (all
    samples py-spy counts as active, by what the innermost frame is doing)."""
    own: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = waiting = 0
    for frames, count in stacks(gil):
        if activity(frames).endswith(("epoll", "waiting for work")):
            waiting += count  # py-spy names the GIL's last holder, which may be waiting with the GIL released
            continue
        total += count
        own[frames[-1]] += count
        parts[part_of(frames[-1])] += count
        for part in {part_of(f) for f in frames[1:]}:  # the first frame is the script itself
            inclusive[part] += count
        for name in {f.split(" (", 1)[0] for f in frames[4:] if part_of(f).endswith("(ours)")}:  # below run_main
            ours[name] += count
    doing: Counter[str] = Counter()
    wall_total = 0
    for frames, count in stacks(wall):
        wall_total += count
        doing[activity(frames)] += count
    share = (lambda c, n: [(k, v / n) for k, v in c.most_common()] if n else [])
    return {"samples": total, "waiting": waiting, "top": share(own, total)[:top], "parts": share(parts, total),
            "inclusive": share(inclusive, total), "ours": share(ours, total)[:top],
            "wall_samples": wall_total, "doing": share(doing, wall_total)}


def stacks(raw: Path) -> list[tuple[list[str], int]]:
    out = []
    for line in raw.read_text(errors="replace").splitlines() if raw.exists() else []:
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            out.append((stack.split(";"), int(n)))
    return out


def activity(frames: list[str]) -> str:
    """What a thread is doing in one sample (the wall profile)."""
    leaf = frames[-1]
    if "EpollSelector.select" in leaf:
        return "event loop: waiting in epoll"
    if any("_connection_worker_thread" in f for f in frames):
        if "core.py:59)" in leaf or "queue.py" in leaf or "threading.py" in leaf:
            return "aiosqlite threads: waiting for work"
        return "aiosqlite threads: in a SQLite call (incl. the busy handler's waits and the GIL)"
    return "event loop thread: running Python"


OURS = ("bot", "channels", "intents", "booking_client", "scheduler", "storage")


def part_of(frame: str) -> str:
    """Which package a py-spy frame 'function (path:line)' belongs to: 'sqlalchemy', 'asyncio', 'bot (ours)'."""
    m = re.search(r"\(([^()]*?)(?::\d+)?\)$", frame)
    path = m.group(1) if m else frame
    if "<sqlalchemy generated" in frame:  # SQLAlchemy's generated wrappers
        return "sqlalchemy"
    path = re.split(r"site-packages/|python3\.\d+/", path)[-1]
    if path.startswith(str(ROOT) + "/"):
        path = path[len(str(ROOT)) + 1:]
    first = path.split("/", 1)[0].removesuffix(".py")
    return f"{first} (ours)" if first in OURS else first


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Settings:
    database_url: str | None
    customers: int
    connections: int
    rate: float | None
    duration: float
    overload_rate: float | None
    overload_duration: float
    profile: float
    smoke: bool
    processes: int = 1
    repeats: int = 3


@dataclass
class Result:
    database: str
    settings: Settings
    calibration: list[tuple[str, int, str]]
    bare: Phase
    fast: Phase
    steady: Phase  # the fixed-rate run with the median p99
    overload: Phase
    rss_idle: float
    rss_after: float
    rss_peak: float
    log_errors: int
    skipped_ticks: int
    exit_code: int
    shape: list[str]
    profile: dict[str, dict] | None
    load_before: str
    steadies: list[Phase]  # every fixed-rate run, in order
    reference: tuple[float, float] | None = None  # µs of CPU per piece of reference work: back to back, paced


async def calibrate(load: Load, url: str) -> tuple[list[int], list[str], list[tuple[str, int, str]]]:
    """One customer alone, waiting for the replies to each message: the replies each step gets."""
    [customer] = load.customers(9, 1, slot=-1)
    expected, seen = [], []
    for msg in customer.messages:
        before = len(customer.replies)
        await load.post(url, msg)
        if msg.status != 200:
            raise SystemExit(f"the bot answered the webhook with HTTP {msg.status}")
        deadline = time.perf_counter() + 15
        while len(customer.replies) == before and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        quiet = time.perf_counter()
        count = len(customer.replies)
        while time.perf_counter() - quiet < 0.3:  # more replies to the same message?
            await asyncio.sleep(0.01)
            if len(customer.replies) != count:
                count, quiet = len(customer.replies), time.perf_counter()
        expected.append(count - before)
        seen.append((customer.texts[msg.step], count - before,
                     " / ".join(b.splitlines()[0] for _, b in customer.replies[before:])))
    if not all(expected):
        raise SystemExit(f"a message of the conversation got no reply: {seen}")
    return expected, [words(b) for _, b in customer.replies], seen


async def phase_fast(load: Load, url: list[str], pid: list[int], prefix: int, n: int, expected: list[int],
                     on_acked: Callable[[], Awaitable[None]]) -> Phase:
    customers = load.customers(prefix, n)
    phase = Phase("as fast as possible", customers, round_robin(customers), expected)
    usage = Usage(pid)
    await load.as_fast_as_possible(url, phase.messages)
    phase.sent_until = max(m.acked for m in phase.messages)
    await on_acked()
    await load.wait_for_replies(customers, expected)
    usage.stop(phase)
    return phase


async def phase_rate(load: Load, url: list[str], bot_url: str, pid: list[int], prefix: int, rate: float, duration: float,
                     most: int, expected: list[int], name: str) -> Phase:
    n = max(1, min(most, math.ceil(rate * duration / len(SCRIPT))))
    customers = load.customers(prefix, n)
    phase = Phase(name, customers, round_robin(customers), expected, offered_rate=rate)
    stop = asyncio.Event()
    usage = Usage(pid)
    sampler = asyncio.create_task(sample(phase, load, bot_url, stop))
    phase.sender_lag = await load.at_rate(url, phase.messages, rate)
    phase.sent_until = max(m.start for m in phase.messages)
    await load.wait_for_replies(customers, expected)
    usage.stop(phase)
    stop.set()
    await sampler
    return phase


async def run(s: Settings) -> Result:
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp_name:
        tmp = Path(tmp_name)
        fake = FakeTwilio()
        await fake.start()
        bot_ports, bare_port = [free_port() for _ in range(s.processes)], free_port()
        bot_urls, bare_url = [f"http://127.0.0.1:{port}" for port in bot_ports], f"http://127.0.0.1:{bare_port}"
        bot_url, inbound = bot_urls[0], [url + INBOUND for url in bot_urls]  # /healthz: the first process's
        async with Database(s.database_url, tmp) as db:
            bare = await start_child([sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(bare_port)],
                                     dict(os.environ), tmp, "ready", tmp / "bare.log")
            bots = []  # one after another: the first one migrates the database
            for n, port in enumerate(bot_ports):
                bots.append(await start_child([str(BOT), "run"], bot_env(db.url, fake.base, port), tmp, "is running",
                                              tmp / f"bot-{n}.log"))
            bot, pids = bots[0], [b.pid for b in bots]
            profile = None
            try:
                await asyncio.sleep(0.2 if s.smoke else 1.0)  # let the start-up settle (first reminder tick)
                rss_idle = max(rss_mib(pid) for pid in pids)
                async with Load(fake, s.connections) as load:
                    expected, shape, seen = await calibrate(load, inbound)
                    print("calibration: " + "; ".join(f"{t!r} -> {r}" for t, _, r in seen), flush=True)
                    warm = load.customers(8, min(s.customers, 50))  # the bare handler's warm-up, not measured
                    await load.as_fast_as_possible(bare_url + INBOUND, round_robin(warm))
                    bare_customers = load.customers(7, s.customers)
                    bare_phase = Phase("bare", bare_customers, round_robin(bare_customers), expected)
                    await load.as_fast_as_possible(bare_url + INBOUND, bare_phase.messages)
                    print(f"bare handler: {bare_phase.ack_rate():,.0f} req/s", flush=True)

                    profiler = Profiler(s.profile, bot.pid, tmp)
                    before = await db.counters()
                    await profiler.start("flood")
                    fast = await phase_fast(load, inbound, pids, 1, s.customers, expected,
                                            on_acked=lambda: profiler.start("turns"))
                    profile = await profiler.results()
                    after = await db.counters()
                    if before and after:
                        fast.db_counts = (after[0] - before[0], after[1] - before[1])
                    print(f"as fast as possible: ack {fast.ack_rate():,.0f} req/s, {fast.turn_rate():,.1f} turns/s",
                          flush=True)

                    capacity = max(fast.steady_rate(), 1.0)
                    rate = s.rate or max(1.0, round(capacity / 2))
                    steadies = []
                    paced_profiler = Profiler(min(s.profile, s.duration), bot.pid, tmp)
                    for k in range(s.repeats):
                        if k == 0:
                            await paced_profiler.start("steady")  # customers of their own each run: +49152…, +491520…, +491521…
                        steadies.append(await phase_rate(load, inbound, bot_url, pids, 2 if k == 0 else 19 + k, rate,
                                                         s.duration, s.customers, expected,
                                                         f"at {rate:g}/s" + (f", run {k + 1}" if k else "")))
                        print(f"{steadies[-1].name}: e2e p50 {pct(steadies[-1].e2e(), .5) * 1e3:.0f} ms, "
                              f"p99 {pct(steadies[-1].e2e(), .99) * 1e3:.0f} ms", flush=True)
                    steady = median_run(steadies)
                    paced = await paced_profiler.results()
                    if paced:
                        profile = {**(profile or {}), **paced}
                    over_rate = s.overload_rate or max(2.0, round(capacity * 2))
                    overload = await phase_rate(load, inbound, bot_url, pids, 3, over_rate,
                                                s.overload_duration, s.customers, expected,
                                                f"overload at {over_rate:g}/s")
                    print(f"overload at {over_rate:g}/s: backlog max {max(b for _, b in overload.backlog)}", flush=True)
                rss_after = max(rss_mib(pid) for pid in pids)
                reference = await measure_paced_reference(rate, 200 if s.smoke else 1000)
                rss_peak = max(rss_mib(pid, "VmHWM") for pid in pids)
            finally:
                code = max([await stop_child(b) for b in bots], key=abs)
                await stop_child(bare)
                await fake.stop()
            log = "".join((tmp / f"bot-{n}.log").read_text(errors="replace") for n in range(s.processes))
            log_errors = sum(1 for line in log.splitlines() if " ERROR " in line or "Traceback" in line)
            skipped_ticks = log.count("skipped: maximum number of running instances reached")
            if log_errors:
                kept = Path(tempfile.gettempdir()) / f"bench-turns-bot-{bot.pid}.log"
                kept.write_text(log, encoding="utf-8")
                print(f"the bot logged {log_errors} ERROR lines or tracebacks; its log is kept in {kept}",
                      file=sys.stderr)
            return Result(db.describe, s, seen, bare_phase, fast, steady, overload, rss_idle, rss_after, rss_peak,
                          log_errors, skipped_ticks, code, shape, profile, load_before, steadies, reference)


def median_run(runs: list[Phase]) -> Phase:
    """The run whose e2e p99 is the median one (the lower middle of an even number)."""
    return sorted(runs, key=lambda p: pct(p.e2e(), .99))[(len(runs) - 1) // 2]


# --- reporting ------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1e3:.1f} ms"


def rows(r: Result) -> list[tuple[str, str]]:
    s, b, f, st, ov = r.settings, r.bare, r.fast, r.steady, r.overload
    steps = len(SCRIPT)
    fa, ba = f.ack(), b.ack()
    health = [h for h in ov.health if h[2] >= 0]
    phases = (f, *r.steadies, ov)
    p99s = sorted(pct(p.e2e(), .99) for p in r.steadies)
    out = [
        ("conversation (calibrated on one customer)",
         f"{steps} messages, replies per message {'/'.join(str(x) for x in f.expected)}: "
         + "; ".join(f"{t!r}" for t, _, _ in r.calibration)),
        ("as fast as possible: load", f"{s.customers:,} customers x {steps} = {len(f.messages):,} signed webhooks, "
                                      f"{s.connections} connections"),
        ("webhook ack, bare aiohttp handler: throughput, p50 / p99",
         f"{b.ack_rate():,.0f} req/s, {ms(pct(ba, .5))} / {ms(pct(ba, .99))}"),
        ("webhook ack, booking-bot: throughput, p50 / p99",
         f"{f.ack_rate():,.0f} req/s, {ms(pct(fa, .5))} / {ms(pct(fa, .99))}"),
        ("ack ratio bot / bare: throughput, p99",
         f"{f.ack_rate() / b.ack_rate():.3f}, {pct(fa, .99) / pct(ba, .99):,.1f}x the bare p99"),
        ("full turns/s (webhook sent -> reply accepted by the Twilio API): overall, steady (10-90 % of replies)",
         f"{f.turn_rate():,.1f}, {f.steady_rate():,.1f}"),
        ("  same run: e2e p50 / p99, last reply after the last ack",
         f"{ms(pct(f.e2e(), .5))} / {ms(pct(f.e2e(), .99))}, {f.drain_seconds():,.1f} s"),
        ("  same run: the bot's CPU (all threads) per turn, and cores busy on average", cpu_row(f)),
        ("  same run: the load generator and the fake Twilio (one process): CPU per turn; the machine's cores busy on "
         "average; the most turns/s its cores could give at the bot's and the harness's CPU a turn", harness_row(f)),
        *([("  same run: PostgreSQL transactions and rows written per turn (pg_stat_database, webhook included)",
            f"{f.db_counts[0] / len(f.messages):.1f} transactions, {f.db_counts[1] / len(f.messages):.1f} rows")]
          if f.db_counts else []),
        (f"fixed rate: {st.offered_rate:g} msgs/s offered ({len(st.customers)} customers, "
         f"{len(st.messages):,} messages)",
         f"{st.turn_rate():,.1f} turns/s; e2e p50 / p99 / max {ms(pct(st.e2e(), .5))} / {ms(pct(st.e2e(), .99))} / "
         f"{ms(max(st.e2e(), default=float('nan')))}; ack p99 {ms(pct(st.ack(), .99))}; CPU {cpu_row(st)}; "
         f"harness and machine {harness_row(st)}"
         + (f" (the run with the median p99 of {len(p99s)})" if len(p99s) > 1 else "")),
        *([("  fixed rate: e2e p99 of each run, in order; lowest / median / highest",
            ", ".join(ms(pct(p.e2e(), .99)) for p in r.steadies) + f"; {ms(p99s[0])} / "
            f"{ms(pct(st.e2e(), .99))} / {ms(p99s[-1])}")] if len(p99s) > 1 else []),
        (f"overload: {ov.offered_rate:g} msgs/s offered for {len(ov.messages) / ov.offered_rate:,.0f} s "
         f"({len(ov.messages):,} messages)",
         f"ack p50 / p99 {ms(pct(ov.ack(), .5))} / {ms(pct(ov.ack(), .99))}; {ov.turn_rate():,.1f} turns/s; "
         f"the load generator fell behind its schedule by {ms(ov.sender_lag)} at most"),
        ("  overload: backlog (replies owed) max, growth while offered, drain after the last send",
         f"{max((x for _, x in ov.backlog), default=0):,} messages, "
         f"{backlog_growth(ov):+,.1f}/s, {ov.drain_seconds():,.1f} s"),
        ("  overload: e2e p50 / p99 / max",
         f"{ms(pct(ov.e2e(), .5))} / {ms(pct(ov.e2e(), .99))} / {ms(max(ov.e2e(), default=float('nan')))}"),
        ("  overload: GET /healthz latency p50 / max, turns_in_flight max",
         f"{ms(pct([h[1] for h in health], .5))} / {ms(max((h[1] for h in health), default=float('nan')))}, "
         f"{max((h[2] for h in health), default=-1):,} (customers with a turn running or waiting)"),
        ("every customer got its replies, in order (all phases)",
         f"{sum(p.as_expected(r.shape) for p in phases):,} / {sum(len(p.customers) for p in phases):,} customers; "
         f"{sum(p.missing() for p in phases):,} replies missing, "
         f"{sum(p.non_200() for p in (b, *phases)):,} webhooks not answered 200"),
        *([("machine reference: CPU of one turn-sized piece of pure Python (JSON and a regex) back to back, and each "
            f"on a timer at the fixed rate, with the bot idle", f"{r.reference[0]:,.0f} µs / {r.reference[1]:,.0f} µs "
            f"(x{r.reference[1] / r.reference[0]:.2f}): what a steady rate costs on this machine by itself")]
          if r.reference else []),
        ("bot RSS: idle after start / after the run / peak",
         f"{r.rss_idle:.0f} MiB / {r.rss_after:.0f} MiB / {r.rss_peak:.0f} MiB"),
        ("bot's log: ERROR lines or tracebacks; reminder ticks skipped (the previous one still running); "
         "exit code after SIGTERM", f"{r.log_errors}; {r.skipped_ticks}; {r.exit_code}"),
    ]
    return out


def cpu_row(p: Phase) -> str:
    done = p.done_times()
    if not done:
        return "n/a"
    return (f"{p.cpu_seconds / len(done) * 1e3:.1f} ms per turn, "
            f"{p.cpu_seconds / (done[-1] - p.t0):.2f} cores")


def harness_row(p: Phase) -> str:
    done = p.done_times()
    if not done or math.isnan(p.machine_busy):
        return "n/a"
    cores = os.cpu_count() or 1
    ceiling = cores * len(done) / max(p.cpu_seconds + p.harness_cpu_seconds, 1e-9)  # every core busy, none idle
    return (f"{p.harness_cpu_seconds / len(done) * 1e3:.1f} ms per turn; {p.machine_busy:.2f} of {cores} cores; "
            f"{ceiling:,.0f} turns/s")


def backlog_growth(p: Phase) -> float:
    """Messages/s the backlog grew while the load was offered (least squares over the samples)."""
    span = p.sent_until - p.t0
    pts = [(t, x) for t, x in p.backlog if t <= span]
    if len(pts) < 2:
        return float("nan")
    mt, mx = sum(t for t, _ in pts) / len(pts), sum(x for _, x in pts) / len(pts)
    den = sum((t - mt) ** 2 for t, _ in pts)
    return sum((t - mt) * (x - mx) for t, x in pts) / den if den else float("nan")


def table(r: Result) -> str:
    return "| measure | result |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in rows(r))


def profile_text(profiles: dict[str, dict] | None, seconds: float) -> str:
    if not profiles:
        return ""
    fmt = (lambda pairs, n=12: ", ".join(f"{name} {share:.0%}" for name, share in pairs[:n]))
    out = ""
    for window, p in profiles.items():
        if "error" in p:
            out += f"py-spy failed ({window}): {p['error']}\n\n"
            continue
        top = "".join(f"| {i} | `{f}` | {share:.1%} |\n" for i, (f, share) in enumerate(p["top"], 1))
        out += (f"py-spy on the bot for {seconds:g} s {WINDOWS[window]}. "
                f"CPU ({p['samples']:,} samples holding the GIL at 100 Hz, leaving out {p['waiting']:,} in which "
                f"the GIL's last holder was waiting in epoll or for work), own time by package: {fmt(p['parts'])}. "
                f"Inclusive (a package anywhere on the stack): {fmt(p['inclusive'], 8)}. "
                f"Our functions, inclusive: {fmt(p['ours'], 10)}. "
                f"What the threads do ({p['wall_samples']:,} samples py-spy counts as active): "
                f"{fmt(p['doing'], 5)}.\n\n"
                "| # | function (own samples holding the GIL) | share |\n| --- | --- | --- |\n" + top + "\n")
    return out


def section(r: Result) -> str:
    title = "### " + r.database.split()[0] + (f", {r.settings.processes} processes" if r.settings.processes > 1 else "")
    return (f"{title}\n\n"
            f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} with `bench/turns.py` at {revision(*MEASURED)} on {machine()}; "
            f"{r.database}; load average before the run {r.load_before}.\n\n"
            + table(r) + "\n" + profile_text(r.profile, r.settings.profile))


INTRO = (
    "## turns\n\n"
    "Full turns through `booking-bot run` (a child process) on the demo salon: signed Twilio webhooks from "
    "many customers, each with a short booking conversation (hello, a haircut at a time of its own, the name, "
    "yes, list, cancel, yes, bye), replies accepted by the fake Twilio's Messages API; a bare aiohttp handler "
    "as the reference in the same run. What each phase does is in the docstring of `bench/turns.py`. "
    "Reproduce with\n\n"
    "    make bench-turns\n"
    "    .venv/bin/python bench/turns.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test\n"
    "    .venv/bin/python bench/turns.py --profile 20   # with a py-spy profile of the bot\n"
    "    .venv/bin/python bench/turns.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test "
    "--processes 2\n\n"
)


def summary(r: Result) -> dict:
    """What a user would notice, per phase: did every customer get every reply, in order; and the headline
    numbers (`headline`) that `bench/all.py` puts in its one table."""
    f, b, st = r.fast, r.bare, r.steady
    headline = {
        "database": r.database, "turns_per_s": f.turn_rate(), "turns_per_s_steady": f.steady_rate(),
        "half_capacity_rate": st.offered_rate, "e2e_p50_ms": 1000 * pct(st.e2e(), .5),
        "e2e_p99_ms": 1000 * pct(st.e2e(), .99), "ack_per_s": f.ack_rate(), "bare_ack_per_s": b.ack_rate(),
        "ack_p99_ms": 1000 * pct(f.ack(), .99), "bare_ack_p99_ms": 1000 * pct(b.ack(), .99),
        "e2e_p99_ms_runs": [1000 * pct(p.e2e(), .99) for p in r.steadies],
        "reference_us": list(r.reference) if r.reference else None,
        "backlog_max": max((n for _, n in r.overload.backlog), default=0),
        "rss_idle_mib": r.rss_idle, "rss_after_mib": r.rss_after, "cpu_ms_per_turn": 1000 * f.cpu_seconds / max(
            1, len(f.done_times())),
        "harness_cpu_ms_per_turn": 1000 * f.harness_cpu_seconds / max(1, len(f.done_times())),
        "machine_busy_cores": f.machine_busy,
    }
    return {p.name: {"customers": len(p.customers), "complete": p.complete(), "as_expected": p.as_expected(r.shape),
                     "missing_replies": p.missing(), "non_200": p.non_200()}
            for p in (r.fast, *r.steadies, r.overload)} | {
        "bare": {"non_200": b.non_200()}, "log_errors": r.log_errors, "exit_code": r.exit_code,
        "headline": headline}


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-bare":
        asyncio.run(serve_bare(int(sys.argv[2])))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "--paced-reference":
        asyncio.run(paced_reference(float(sys.argv[2]), int(sys.argv[3])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=None,
                    help="PostgreSQL URL (a database of its own is made and dropped); default: SQLite in a temp dir")
    ap.add_argument("--customers", type=int, default=500, help="customers per phase (default 500)")
    ap.add_argument("--connections", type=int, default=50, help="HTTP connections to the bot (default 50)")
    ap.add_argument("--rate", type=float, default=None, help="fixed offered rate, msgs/s (default: half the capacity)")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds at the fixed rate (default 20)")
    ap.add_argument("--repeats", type=int, default=3,
                    help="runs of the fixed-rate phase; the one with the median p99 is reported (default 3)")
    ap.add_argument("--overload-rate", type=float, default=None, help="msgs/s above capacity (default: twice it)")
    ap.add_argument("--overload-duration", type=float, default=15.0, help="seconds of overload (default 15)")
    ap.add_argument("--profile", type=float, default=0.0, metavar="SECONDS",
                    help="profile the bot with py-spy (if installed in the venv) for this long under load")
    ap.add_argument("--processes", type=int, default=1,
                    help="bot processes on one PostgreSQL database, each webhook to the next (default 1)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (5 customers, 2 connections), not recorded")
    ap.add_argument("--json", type=Path, default=None, help="also write per-phase delivery counts here")
    rec = ap.add_mutually_exclusive_group()
    rec.add_argument("--record", action="store_true", help="write bench/RESULTS.md even at other sizes")
    rec.add_argument("--no-record", action="store_true", help="only print")
    args = ap.parse_args()
    if args.processes > 1 and not args.database_url:
        ap.error("--processes needs --database-url (PostgreSQL): SQLite serves one process")
    if args.smoke:
        args.customers, args.connections, args.profile = 5, 2, 0.0
        args.rate, args.duration, args.repeats = args.rate or 20.0, 2.0, 1
        args.overload_rate, args.overload_duration = args.overload_rate or 40.0, 1.0
    s = Settings(args.database_url, args.customers, args.connections, args.rate, args.duration, args.overload_rate,
                 args.overload_duration, args.profile, args.smoke, args.processes, max(1, args.repeats))
    r = asyncio.run(run(s))
    sub = section(r)
    print(sub)
    if args.json:
        args.json.write_text(json.dumps(summary(r), indent=2), encoding="utf-8")
    if args.record or not (args.smoke or args.no_record or args.customers < 500):
        write_subsection("turns", INTRO, sub)
        print("recorded in bench/RESULTS.md")
    lost = sum(p.missing() + p.non_200() for p in (r.fast, *r.steadies, r.overload))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
