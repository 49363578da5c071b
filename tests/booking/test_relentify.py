"""The Relentify adapter against the fake Relentify: what only this HTTP backend has to get right.

One error table, a create whose answer was lost (found by the key in its notes, not booked again),
pages followed to the end, qualification answers sent and asked for, a routing rule's refusal, a
booking cancelled meanwhile, staff who are assigned rather than offered, `check()` naming the setting
that is wrong, and no move declared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import httpx
import pytest
from fake_relentify import LINK_IDS, PATCH_TEST, SLUGS, STAFF_IDS

from booking_client import (
    BackendUnavailable,
    BookingRequest,
    BookingStatus,
    Capability,
    Contact,
    InvalidRequest,
    NeedsAnswers,
    NotAccepted,
    NotFound,
    NotSupported,
    SlotTaken,
)
from booking_client.http import RetryPolicy
from booking_client.relentify import RelentifyBackend
from booking_client.relentify import api as relentify_api
from booking_client.relentify.errors import ERRORS, AlreadyCancelled, questions_in
from booking_client.relentify.mapping import notes_for, split_notes

ALICE = Contact("telegram:1001", "Alice", "alice@example.com", "+4915100000001")
BOB = Contact("whatsapp:+4915100000002", "Bob")
TUESDAY = date(2026, 6, 2)


def at(business, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, dtime(hh, mm), tzinfo=business.tz)


def day(business, when: date) -> tuple[datetime, datetime]:
    return at(business, when, 0), at(business, when + timedelta(days=1), 0)


def request(business, start: datetime, *, service: str = "haircut", staff: str = "sarah", contact: Contact = ALICE,
            **more: Any) -> BookingRequest:
    return BookingRequest(service, staff, start, contact, channel="telegram", **more)


class Waits:
    """tenacity's sleep, recorded instead of slept."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


class Scripted(httpx.AsyncBaseTransport):
    """The real HTTP transport to the fake, with a scripted 503 (never reaching the fake) for chosen requests."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.plan: list[tuple[str, str]] = []
        self.log: list[tuple[str, str, int]] = []

    def fail(self, method: str, path: str) -> None:
        self.plan.append((method, path))

    async def handle_async_request(self, req: httpx.Request) -> httpx.Response:
        if (req.method, req.url.path) in self.plan:
            self.plan.remove((req.method, req.url.path))
            self.log.append((req.method, req.url.path, 503))
            return httpx.Response(503, json={"error": {"code": "service_unavailable", "message": "down",
                                                       "status": 503}})
        response = await self.inner.handle_async_request(req)
        self.log.append((req.method, req.url.path, response.status_code))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
async def make(demo, clock, fake_relentify, relentify_config, waits) -> AsyncIterator[Any]:
    """Build adapters against the fake, with config changes; all closed at teardown."""
    made: list[RelentifyBackend] = []

    def build(*, transport: httpx.AsyncBaseTransport | None = None, business=None, **changes: Any) -> RelentifyBackend:
        changes.setdefault("retry", RetryPolicy(attempts=3, backoff=0.5, sleep=waits))
        backend = RelentifyBackend(business or demo, dataclasses.replace(relentify_config, **changes), clock,
                                   transport=transport)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        await backend.aclose()


# --- one error table ---------------------------------------------------------------------------------------


def _error(code: str, message: str, status: int) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}


@pytest.mark.parametrize(
    "status, body, error",
    [
        (409, _error("slot_taken", "Race-condition guard — another booking grabbed the slot", 409), SlotTaken),
        (409, {"error": "slot_taken", "message": "another booking grabbed the slot"}, SlotTaken),  # the flat shape
        (403, _error("routing_rejected", "Conditional routing rule rejected the answers", 403), NotAccepted),
        (400, _error("validation_failed", "A required qualification question was unanswered", 400), NeedsAnswers),
        (400, _error("missing_field", "answers[0].answer is missing", 400), NeedsAnswers),
        (400, _error("missing_field", "contact_email is required", 400), InvalidRequest),
        (404, _error("booking_link_not_found", "No matching link in this entity", 404), NotFound),
        (404, _error("not_found", "No such booking in this entity", 404), NotFound),
        (409, _error("already_cancelled", "Booking is already cancelled", 409), AlreadyCancelled),
        (409, _error("conflict", "something else", 409), InvalidRequest),
        (401, _error("invalid_api_key", "API key is invalid, expired, or revoked", 401), BackendUnavailable),
        (403, _error("bookings_write_denied", "API key missing bookings:write scope", 403), BackendUnavailable),
        (429, _error("rate_limit_exceeded", "Too many requests", 429), BackendUnavailable),
        (502, "<html>Bad gateway</html>", BackendUnavailable),
    ],
)
def test_the_error_table(status, body, error):
    kwargs = {"json": body} if isinstance(body, dict) else {"text": body}
    response = httpx.Response(status, request=httpx.Request("POST", "https://relentify.test/api/v1/bookings"), **kwargs)
    assert type(ERRORS.error_for(response)) is error


def test_question_ids_named_by_an_error_body_are_read():
    body = {"error": {"code": "validation_failed", "message": "unanswered", "status": 400,
                      "questions": [{"question_id": "q_budget"}, "q_phone"]}}
    response = httpx.Response(400, json=body, request=httpx.Request("POST", "https://relentify.test/api/v1/bookings"))
    error = ERRORS.error_for(response)
    error.__cause__ = httpx.HTTPStatusError("400", request=response.request, response=response)
    assert questions_in(error) == ("q_budget", "q_phone")


# --- never booked twice ------------------------------------------------------------------------------------


async def test_a_create_whose_answer_was_lost_is_found_not_booked_again(make, fake_relentify, demo):
    b = make()
    fake_relentify.drop_create_response = 1
    made = await b.create(request(demo, at(demo, TUESDAY, 10), notes="first visit"), "lost-answer")

    assert made.start == at(demo, TUESDAY, 10) and made.contact == ALICE and made.notes == "first visit"
    assert len(fake_relentify.bookings_of(ALICE.email)) == 1
    assert len(fake_relentify.sent("POST", "/api/v1/bookings")) == 1, "looked it up instead of sending it again"
    assert (await b.create(request(demo, at(demo, TUESDAY, 10)), "lost-answer")).id == made.id
    assert len(fake_relentify.bookings_of(ALICE.email)) == 1


async def test_a_create_that_failed_with_503_is_looked_up_before_it_is_sent_again(make, fake_relentify, demo):
    scripted = Scripted()
    b = make(transport=scripted)
    await b.directory()
    scripted.fail("POST", "/api/v1/bookings")
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k-503")

    calls = [(m, s) for m, p, s in scripted.log if p == "/api/v1/bookings"]
    assert calls == [("GET", 200), ("POST", 503), ("GET", 200), ("POST", 201)]
    assert [x.id for x in await b.list_for_contact(ALICE)] == [made.id]


async def test_the_key_and_chat_identity_ride_in_the_notes_below_the_customers_own(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10), notes="first visit"), "key-1")
    stored = fake_relentify.bookings[made.id]
    assert stored.notes == "first visit\n\n[booking-bot ref=telegram:1001 channel=telegram key=key-1]"
    assert made.notes == "first visit" and made.extra["idempotency_key"] == "key-1"
    assert (stored.contact_phone, stored.client_timezone) == (ALICE.phone, "Europe/Berlin")


def test_the_notes_line_survives_odd_identities_and_long_keys():
    contact = Contact("console:a b]c=d", "X")
    notes = notes_for(BookingRequest("haircut", "", datetime(2026, 6, 2, 8, tzinfo=UTC), contact), "k" * 300)
    text, ours = split_notes(notes)
    assert text is None and ours["ref"] == "console:a b]c=d" and ours["key"].startswith("sha256-")


async def test_losing_a_race_is_slot_taken_and_books_nothing_for_the_customer(make, fake_relentify, demo):
    b = make()
    fake_relentify.slot_taken_next = 1
    with pytest.raises(SlotTaken):
        await b.create(request(demo, at(demo, TUESDAY, 10)), "alice")
    assert fake_relentify.bookings_of(ALICE.email) == []


async def test_a_contact_without_email_gets_an_undeliverable_one_and_sees_it_as_none(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10), contact=BOB), "bob")
    stored = fake_relentify.bookings[made.id]
    assert stored.contact_email.endswith("@chat.invalid") and stored.contact_name == "Bob"
    assert made.contact == BOB


# --- pages --------------------------------------------------------------------------------------------------


async def test_listing_follows_every_page_to_the_end(make, fake_relentify, demo, monkeypatch):
    monkeypatch.setattr(relentify_api, "PAGE", 2)
    b = make()
    made = [await b.create(request(demo, at(demo, TUESDAY, 9 + i)), f"k{i}") for i in range(5)]

    assert [x.id for x in await b.list_for_contact(ALICE)] == [m.id for m in made]
    assert [x.id for x in await b.list_all(*day(demo, TUESDAY))] == [m.id for m in made]
    pages = [int(r.query["page"]) for r in fake_relentify.sent("GET", "/api/v1/bookings") if "from" in r.query
             and "booking_link_id" not in r.query]
    assert max(pages) == 3 and {r.query["limit"] for r in fake_relentify.sent("GET", "/api/v1/bookings")} == {"2"}


async def test_list_all_is_the_operators_view_of_every_booking(make, fake_relentify, demo):
    b = make()
    kept = await b.create(request(demo, at(demo, TUESDAY, 10)), "a")
    dropped = await b.create(request(demo, at(demo, TUESDAY, 11), contact=BOB, staff="tom"), "b")
    await b.cancel(dropped.id, "changed plans")
    tomorrow = await b.create(request(demo, at(demo, TUESDAY + timedelta(days=1), 10)), "c")

    everything = await b.list_all()
    assert [x.id for x in everything] == [kept.id, dropped.id, tomorrow.id]
    assert [x.id for x in await b.list_all(*day(demo, TUESDAY))] == [kept.id, dropped.id]
    assert everything[1].status is BookingStatus.CANCELLED and everything[1].contact.ref == BOB.ref


async def test_someone_typing_anothers_email_does_not_see_their_chat_bookings(make, fake_relentify, demo):
    b = make()
    await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    on_the_widget = fake_relentify.book_in_relentify("haircut", at(demo, TUESDAY, 12), ALICE.email, "Alice",
                                                     staff=STAFF_IDS["tom"])

    mallory = Contact("telegram:666", "Mallory", ALICE.email)
    assert [x.id for x in await b.list_for_contact(mallory)] == [on_the_widget.id]
    mine = await b.list_for_contact(ALICE)
    assert [(x.staff, x.contact.ref) for x in mine] == [("sarah", ALICE.ref), ("tom", f"email:{ALICE.email}")]


# --- qualification questions and routing --------------------------------------------------------------------


async def test_answers_are_sent_as_relentifys_answers(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10), service="coloring",
                                  answers={PATCH_TEST: "yes, in April"}), "k")
    assert fake_relentify.sent("POST", "/api/v1/bookings")[0].json["answers"] == [
        {"question_id": PATCH_TEST, "answer": "yes, in April"}]
    assert made.service == "coloring" and made.extra["answers"] == [
        {"question_id": PATCH_TEST, "answer": "yes, in April"}]


async def test_an_unanswered_required_question_is_needs_answers_with_its_key(make, fake_relentify, demo):
    b = make()
    with pytest.raises(NeedsAnswers) as caught:
        await b.create(request(demo, at(demo, TUESDAY, 10), service="coloring"), "k")
    assert caught.value.questions == (PATCH_TEST,)
    assert fake_relentify.bookings == {}

    answered = await b.create(request(demo, at(demo, TUESDAY, 10), service="coloring",
                                      answers={PATCH_TEST: "yes"}), "k")
    assert answered.status is BookingStatus.CONFIRMED


async def test_without_configured_questions_needs_answers_names_none(make, demo):
    b = make(questions={})
    with pytest.raises(NeedsAnswers) as caught:
        await b.create(request(demo, at(demo, TUESDAY, 10), service="coloring"), "k")
    assert caught.value.questions == ()


async def test_a_routing_rule_that_turns_the_answers_away_is_not_accepted(make, fake_relentify, demo):
    b = make()
    with pytest.raises(NotAccepted, match=PATCH_TEST):
        await b.create(request(demo, at(demo, TUESDAY, 10), service="coloring", answers={PATCH_TEST: "No"}), "k")
    assert fake_relentify.bookings == {}
    assert len(fake_relentify.sent("POST", "/api/v1/bookings")) == 1, "a refusal is not retried"


# --- cancel -------------------------------------------------------------------------------------------------


async def test_a_booking_cancelled_meanwhile_is_cancelled_not_an_error(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    fake_relentify.cancelled_meanwhile = 1  # the business cancels in the dashboard as the customer says yes
    cancelled = await b.cancel(made.id, "ill")

    assert fake_relentify.sent("PATCH")[0].status == 409, "Relentify said already_cancelled"
    assert cancelled.status is BookingStatus.CANCELLED and cancelled.cancel_reason == "cancelled in the dashboard"


async def test_a_cancel_whose_answer_was_lost_is_found_not_sent_again(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    fake_relentify.drop_cancel_response = 1
    cancelled = await b.cancel(made.id, "ill")

    assert cancelled.status is BookingStatus.CANCELLED and cancelled.cancel_reason == "ill"
    assert len(fake_relentify.sent("PATCH")) == 1


async def test_cancelling_twice_answers_the_booking_as_it_is(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    await b.cancel(made.id, "ill")
    again = await b.cancel(made.id, "changed my mind")
    assert (again.status, again.cancel_reason) == (BookingStatus.CANCELLED, "ill")
    assert len(fake_relentify.sent("PATCH")) == 1, "nothing to send for a booking already cancelled"


# --- no moves ---------------------------------------------------------------------------------------------


async def test_no_reschedule_is_declared_and_none_is_faked(make, fake_relentify, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    before = len(fake_relentify.requests)
    assert Capability.RESCHEDULE not in b.capabilities
    with pytest.raises(NotSupported):
        await b.reschedule(made.id, at(demo, TUESDAY, 14))
    assert len(fake_relentify.requests) == before
    assert {Capability.LIST_FOR_CONTACT, Capability.LIST_ALL, Capability.IDEMPOTENT_CREATE,
            Capability.SELF_CHECK} <= b.capabilities
    assert not {Capability.SLOT_HOLD, Capability.STAFF_CHOICE, Capability.OPERATOR_MARKS} & b.capabilities


# --- staff: assigned by Relentify, asked for by the customer -------------------------------------------------


async def test_free_times_name_nobody_and_the_booking_names_who_was_assigned(make, fake_relentify, demo):
    b = make()
    slots = await b.availability(at(demo, TUESDAY, 10), at(demo, TUESDAY, 11), "haircut")
    assert [s.start for s in slots] == [at(demo, TUESDAY, 10, m) for m in (0, 15, 30, 45)]
    assert {s.staff for s in slots} == {""}

    made = await b.create(request(demo, slots[0].start, staff=""), "k")
    assert made.staff in ("sarah", "tom")
    assert "staff_id" not in fake_relentify.sent("POST", "/api/v1/bookings")[0].json


async def test_a_named_staff_member_is_asked_for_and_their_bookings_are_not_offered(make, fake_relentify, demo):
    b = make()
    await b.create(request(demo, at(demo, TUESDAY, 10), staff="tom"), "t")
    assert fake_relentify.sent("POST", "/api/v1/bookings")[0].json["staff_id"] == STAFF_IDS["tom"]

    toms = [s.start for s in await b.availability(*day(demo, TUESDAY), "haircut", "tom")]
    sarahs = [s.start for s in await b.availability(*day(demo, TUESDAY), "haircut", "sarah")]
    assert at(demo, TUESDAY, 10) not in toms and at(demo, TUESDAY, 9, 45) not in toms, "it would run into 10:00"
    assert at(demo, TUESDAY, 9, 30) in toms and at(demo, TUESDAY, 10, 30) in toms
    assert at(demo, TUESDAY, 10) in sarahs, "Sarah is free then; the link still offers it"
    with pytest.raises(SlotTaken):
        await b.create(request(demo, at(demo, TUESDAY, 10), staff="tom", contact=BOB), "b")


async def test_availability_asks_one_day_at_a_time(make, fake_relentify, demo):
    b = make()
    await b.directory()
    before = len(fake_relentify.sent("GET", "/api/v1/availability"))
    await b.availability(at(demo, TUESDAY, 0), at(demo, TUESDAY + timedelta(days=3), 0), "beard")
    asked = fake_relentify.sent("GET", "/api/v1/availability")[before:]
    assert sorted(r.query["date"] for r in asked) == ["2026-06-02", "2026-06-03", "2026-06-04"]
    assert {r.query["booking_link_id"] for r in asked} == {LINK_IDS["beard"]}


# --- rate limits and outages ----------------------------------------------------------------------------------


async def test_429_waits_as_long_as_relentify_asks_then_succeeds(make, fake_relentify, demo, waits):
    b = make()
    await b.directory()
    fake_relentify.rate_limited, fake_relentify.retry_after = 1, 3
    assert await b.availability(*day(demo, TUESDAY), "haircut", "tom")
    assert waits.seconds[:1] == [3.0], "Retry-After honoured, not the backoff"


async def test_relentify_down_for_good_is_backend_unavailable_and_nothing_is_booked_blind(make, fake_relentify, demo):
    b = make()
    await b.directory()
    fake_relentify.down = 100
    with pytest.raises(BackendUnavailable):
        await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    assert fake_relentify.sent("POST") == []
    fake_relentify.down = 0


async def test_a_refused_key_is_backend_unavailable_for_calls(make, demo):
    b = make(api_key="rly_wrong")
    with pytest.raises(BackendUnavailable, match="401"):
        await b.availability(*day(demo, TUESDAY), "haircut")


# --- check() ----------------------------------------------------------------------------------------------------


async def test_check_is_empty_when_everything_fits(make):
    assert await make().check() == []
    assert await make(links={**LINK_IDS}).check() == [], "links by id"
    assert await make(links={**SLUGS}).check() == [], "links by slug"


async def test_check_names_a_refused_key(make):
    assert await make(api_key="rly_wrong").check() == ["RELENTIFY_API_KEY: Relentify refused the key (401 invalid_api_key)"]


@pytest.mark.parametrize("scopes, missing", [(["bookings:read"], ["bookings:write"]),
                                             (["bookings:write"], ["bookings:read"]),
                                             ([], ["bookings:read", "bookings:write"])])
async def test_check_names_the_missing_scope(make, fake_relentify, scopes, missing):
    key = fake_relentify.add_key("rly_partial", *scopes)
    assert await make(api_key=key).check() == [f"RELENTIFY_API_KEY: the key lacks the {m} scope" for m in missing]


async def test_check_names_links_that_are_missing_or_not_found(make):
    problems = await make(links={"haircut": "link_nope", "coloring": SLUGS["coloring"]}).check()
    assert problems == ["RELENTIFY_LINKS: link 'link_nope' for Haircut not found",
                        "RELENTIFY_LINKS: no booking link for Beard trim"]


async def test_check_names_staff_without_a_relentify_id_and_stray_questions(make):
    problems = await make(staff={"tom": STAFF_IDS["tom"]}, questions={"colouring": ["q"]}).check()
    assert problems == [
        "RELENTIFY_STAFF: no Relentify staff id for Sarah, so bookings with Sarah in particular cannot be made",
        "RELENTIFY_QUESTIONS: 'colouring' is neither a service nor a booking link of RELENTIFY_LINKS"]


async def test_check_names_an_unset_or_unreachable_address(make):
    assert await make(api_base="").check() == ["RELENTIFY_API_BASE: not set (the address of your Relentify Bookings API)"]
    problems = await make(api_base="http://127.0.0.1:9").check()  # the discard port: connection refused
    assert len(problems) == 1 and problems[0].startswith("RELENTIFY_API_BASE: cannot reach Relentify at http://127.0.0.1:9")
