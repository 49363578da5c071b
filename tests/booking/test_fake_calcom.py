"""The fake Cal.com behaves like Cal.com where the adapter can tell, and holds itself to the API document.

Every answer the fake gives here is also validated against the document (`validate_responses`), and the
fixture fails a test whose requests or answers broke it; tests that break it on purpose clear what they caused.
The salon's clock stands at Monday 2026-06-01 08:00 in Berlin (06:00 UTC); it opens at 09:00.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from aiohttp import web
from fake_calcom import (
    EVENT_TYPE_IDS,
    STAFF_EVENT_TYPE_IDS,
    FakeCalcom,
    SlotUnavailable,
    serve_on_loopback,
)

BOOKINGS = {"cal-api-version": "2024-08-13"}
SLOTS = {"cal-api-version": "2024-09-04"}
EVENT_TYPES = {"cal-api-version": "2024-06-14"}
HAIRCUT = EVENT_TYPE_IDS["haircut"]
SARAH_HAIRCUT = STAFF_EVENT_TYPE_IDS[("sarah", "haircut")]
TOM_HAIRCUT = STAFF_EVENT_TYPE_IDS[("tom", "haircut")]
NINE = "2026-06-01T07:00:00Z"  # 09:00 in Berlin
TEN = "2026-06-01T08:00:00Z"


@pytest.fixture
async def fake(demo, clock) -> AsyncIterator[FakeCalcom]:
    fake = FakeCalcom(demo, now=clock, requires_confirmation={STAFF_EVENT_TYPE_IDS[("tom", "beard")]})
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
async def api(fake) -> AsyncIterator[httpx.AsyncClient]:
    auth = {"Authorization": f"Bearer {fake.api_key}"}
    async with httpx.AsyncClient(base_url=fake.base, headers=auth) as client:
        yield client


@pytest.fixture
async def receiver(fake) -> AsyncIterator[list[dict]]:
    """A webhook endpoint on 127.0.0.1 that keeps what it gets (raw body and headers) and answers 200."""
    got: list[dict] = []

    async def hook(request: web.Request) -> web.Response:
        got.append({"body": await request.read(), "headers": dict(request.headers)})
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/calcom", hook)
    runner, base = await serve_on_loopback(app, 0)
    fake.webhook_urls = [f"{base}/calcom"]
    yield got
    await runner.cleanup()


async def book(api: httpx.AsyncClient, start: str = NINE, event_type: int = SARAH_HAIRCUT,
               email: str = "alice@example.org", **extra) -> httpx.Response:
    body = {"start": start, "eventTypeId": event_type, "attendee": {
        "name": "Alice Example", "email": email, "timeZone": "Europe/Berlin", "language": "en"}, **extra}
    return await api.post("/v2/bookings", json=body, headers=BOOKINGS)


async def slot_starts(api: httpx.AsyncClient, **query) -> list[str]:
    query = {"start": "2026-06-01", "end": "2026-06-01", "timeZone": "Europe/Berlin", **query}
    response = await api.get("/v2/slots", params=query, headers=SLOTS)
    assert response.status_code == 200, response.text
    return [s["start"] for day in response.json()["data"].values() for s in day]


# The catalogue ---------------------------------------------------------------------------------------


async def test_me_and_event_types_come_from_the_business(api):
    me = (await api.get("/v2/me")).json()["data"]
    assert me["username"] == "demo-salon" and me["timeZone"] == "Europe/Berlin"

    haircut = (await api.get(f"/v2/event-types/{HAIRCUT}", headers=EVENT_TYPES)).json()["data"]
    assert (haircut["slug"], haircut["lengthInMinutes"]) == ("haircut", 30)
    assert [h["username"] for h in haircut["hosts"]] == ["sarah", "tom"]

    sarahs = (await api.get("/v2/event-types", params={"username": "sarah"}, headers=EVENT_TYPES)).json()["data"]
    assert [(e["id"], e["slug"]) for e in sarahs] == [(SARAH_HAIRCUT, "haircut"), (202, "coloring")]

    missing = await api.get("/v2/event-types/999", headers=EVENT_TYPES)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFoundException"


# Slots -----------------------------------------------------------------------------------------------


async def test_slots_follow_opening_hours_grouped_by_local_date(api):
    starts = await slot_starts(api, eventTypeId=HAIRCUT)
    assert starts[0] == "2026-06-01T09:00:00.000+02:00"
    assert starts[-1] == "2026-06-01T17:30:00.000+02:00"  # a 30-minute haircut ends at closing time
    assert len(starts) == 35  # every 15 minutes

    ranged = await api.get("/v2/slots", headers=SLOTS, params={
        "eventTypeId": HAIRCUT, "start": "2026-06-06", "end": "2026-06-07", "format": "range"})
    days = ranged.json()["data"]
    assert list(days) == ["2026-06-06"]  # Saturday 10-14; closed on Sunday
    assert days["2026-06-06"][0] == {"start": "2026-06-06T08:00:00.000Z", "end": "2026-06-06T08:30:00.000Z"}


async def test_booked_and_reserved_times_are_not_offered(api, fake):
    assert (await book(api, NINE, SARAH_HAIRCUT)).status_code == 201

    sarah = await slot_starts(api, eventTypeSlug="haircut", username="sarah")
    tom = await slot_starts(api, eventTypeSlug="haircut", username="tom")
    assert "2026-06-01T09:00:00.000+02:00" not in sarah and "2026-06-01T09:15:00.000+02:00" not in sarah
    assert "2026-06-01T09:30:00.000+02:00" in sarah
    assert "2026-06-01T09:00:00.000+02:00" in tom
    assert "2026-06-01T09:00:00.000+02:00" in await slot_starts(api, eventTypeId=HAIRCUT)  # Tom is free

    held = await api.post("/v2/slots/reservations", headers=SLOTS,
                          json={"eventTypeId": TOM_HAIRCUT, "slotStart": TEN, "reservationDuration": 10})
    assert held.status_code == 201, held.text
    reservation = held.json()["data"]
    assert reservation["reservationUntil"] == "2026-06-01T06:10:00.000Z"
    assert "2026-06-01T10:00:00.000+02:00" not in await slot_starts(api, eventTypeId=TOM_HAIRCUT)
    with pytest.raises(SlotUnavailable):  # someone on the booking page cannot take the held time
        await fake.book_in_calcom(TOM_HAIRCUT, datetime(2026, 6, 1, 8, tzinfo=UTC), "d@example.org", "D")

    released = await api.delete(f"/v2/slots/reservations/{reservation['reservationUid']}", headers=SLOTS)
    assert released.json() == {"status": "success"}
    assert "2026-06-01T10:00:00.000+02:00" in await slot_starts(api, eventTypeId=TOM_HAIRCUT)


async def test_a_username_beside_an_event_type_id_does_not_narrow_it(api):
    assert await slot_starts(api, eventTypeId=HAIRCUT, username="sarah") == await slot_starts(
        api, eventTypeId=HAIRCUT)


# Bookings ----------------------------------------------------------------------------------------------


async def test_create_get_and_list_bookings(api):
    created = await book(api, NINE, HAIRCUT, metadata={"bot_key": "k-1"})
    assert created.status_code == 201, created.text
    booking = created.json()["data"]
    assert booking["status"] == "accepted"
    assert booking["start"] == "2026-06-01T07:00:00.000Z" and booking["end"] == "2026-06-01T07:30:00.000Z"
    assert booking["eventType"] == {"id": HAIRCUT, "slug": "haircut"}
    assert booking["hosts"][0]["username"] == "sarah"  # round robin: the least-booked free host, in file order
    assert booking["attendees"][0]["email"] == "alice@example.org" and booking["metadata"] == {"bot_key": "k-1"}

    second = (await book(api, NINE, HAIRCUT, email="bob@example.org")).json()["data"]
    assert second["hosts"][0]["username"] == "tom"

    got = await api.get(f"/v2/bookings/{booking['uid']}", headers=BOOKINGS)
    assert got.json()["data"]["uid"] == booking["uid"]

    page = (await api.get("/v2/bookings", headers=BOOKINGS, params={"take": 1, "skip": 0})).json()
    assert len(page["data"]) == 1 and page["pagination"]["totalItems"] == 2 and page["pagination"]["hasNextPage"]
    alice = (await api.get("/v2/bookings", headers=BOOKINGS,
                           params={"attendeeEmail": "alice@example.org", "status": "upcoming,unconfirmed"})).json()
    assert [b["uid"] for b in alice["data"]] == [booking["uid"]]
    exploded = await api.get("/v2/bookings", headers=BOOKINGS,
                             params=[("status", "upcoming"), ("status", "past"), ("eventTypeId", str(HAIRCUT))])
    assert len(exploded.json()["data"]) == 2

    assert (await api.get("/v2/bookings/nope", headers=BOOKINGS)).status_code == 404


async def test_a_taken_slot_is_refused_with_cal_com_words(api):
    await book(api, NINE, SARAH_HAIRCUT)
    taken = await book(api, "2026-06-01T07:15:00Z", SARAH_HAIRCUT, email="bob@example.org")
    assert taken.status_code == 400
    assert taken.json()["error"] == {"code": "BadRequestException",
                                     "message": "User either already has booking at this time or is not available"}
    too_soon = await book(api, "2026-06-01T06:30:00Z", SARAH_HAIRCUT)
    assert "minimum booking notice" in too_soon.json()["error"]["message"]
    past = await book(api, "2026-05-29T07:00:00Z", SARAH_HAIRCUT)
    assert past.json()["error"]["message"] == "Attempting to book a meeting in the past."


async def test_reschedule_makes_a_new_booking_and_cancels_the_old(api, fake):
    old = (await book(api)).json()["data"]
    moved = await api.post(f"/v2/bookings/{old['uid']}/reschedule", headers=BOOKINGS,
                           json={"start": TEN, "reschedulingReason": "running late"})
    assert moved.status_code == 201, moved.text
    new = moved.json()["data"]
    assert new["uid"] != old["uid"] and new["rescheduledFromUid"] == old["uid"]
    assert new["start"] == "2026-06-01T08:00:00.000Z" and new["status"] == "accepted"
    before = (await api.get(f"/v2/bookings/{old['uid']}", headers=BOOKINGS)).json()["data"]
    assert before["status"] == "cancelled" and before["rescheduledToUid"] == new["uid"]

    # A booking may move onto time it overlaps itself; slots can show that time with bookingUidToReschedule.
    assert "2026-06-01T10:15:00.000+02:00" not in await slot_starts(api, eventTypeId=SARAH_HAIRCUT)
    assert "2026-06-01T10:15:00.000+02:00" in await slot_starts(
        api, eventTypeId=SARAH_HAIRCUT, bookingUidToReschedule=new["uid"])
    nudged = await api.post(f"/v2/bookings/{new['uid']}/reschedule", headers=BOOKINGS,
                            json={"start": "2026-06-01T08:15:00Z"})
    assert nudged.status_code == 201 and nudged.json()["data"]["hosts"][0]["username"] == "sarah"
    assert (await api.post(f"/v2/bookings/{old['uid']}/reschedule", headers=BOOKINGS,
                           json={"start": TEN})).status_code == 400  # already moved away


async def test_cancel_keeps_the_reason(api, fake):
    uid = (await book(api)).json()["data"]["uid"]
    cancelled = await api.post(f"/v2/bookings/{uid}/cancel", headers=BOOKINGS, json={"cancellationReason": "ill"})
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert cancelled.json()["data"]["cancellationReason"] == "ill"
    assert fake.sent("POST", f"/v2/bookings/{uid}/cancel")[0].json == {"cancellationReason": "ill"}
    again = await api.post(f"/v2/bookings/{uid}/cancel", headers=BOOKINGS, json={})
    assert again.status_code == 400
    assert NINE.replace("Z", ".000Z") not in [b["start"] for b in (await api.get(
        "/v2/bookings", headers=BOOKINGS, params={"status": "upcoming"})).json()["data"]]


async def test_event_types_that_need_confirmation_book_pending(api):
    beard = STAFF_EVENT_TYPE_IDS[("tom", "beard")]
    first = (await book(api, NINE, beard)).json()["data"]
    assert first["status"] == "pending"
    confirmed = await api.post(f"/v2/bookings/{first['uid']}/confirm", headers=BOOKINGS)
    assert confirmed.json()["data"]["status"] == "accepted"

    second = (await book(api, TEN, beard, email="bob@example.org")).json()["data"]
    declined = await api.post(f"/v2/bookings/{second['uid']}/decline", headers=BOOKINGS, json={"reason": "away"})
    assert declined.json()["data"]["status"] == "rejected"


# The gate: auth, versions, the document -------------------------------------------------------------


async def test_a_missing_or_wrong_api_key_is_401_in_cal_com_envelope(fake):
    async with httpx.AsyncClient(base_url=fake.base) as anonymous:
        missing = await anonymous.get("/v2/bookings", headers=BOOKINGS)
        wrong = await anonymous.get("/v2/bookings", headers={**BOOKINGS, "Authorization": "Bearer cal_wrong"})
        public = await anonymous.get("/v2/slots", headers=SLOTS,
                                     params={"eventTypeId": HAIRCUT, "start": "2026-06-01", "end": "2026-06-01"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["status"] == "error" and missing.json()["error"]["code"] == "UnauthorizedException"
    assert "api key" in wrong.json()["error"]["message"]
    assert public.status_code == 200  # slots are public on Cal.com
    assert fake.violations == []


async def test_a_missing_or_wrong_version_is_noticed_and_recorded(api, fake):
    missing = await api.get("/v2/slots", params={"eventTypeId": HAIRCUT, "start": "2026-06-01", "end": "2026-06-01"})
    wrong = await api.post("/v2/bookings", headers={"cal-api-version": "2024-09-04"}, json={
        "start": NINE, "eventTypeId": HAIRCUT, "attendee": {"name": "A", "email": "a@b.org", "timeZone": "UTC"}})
    assert missing.status_code == wrong.status_code == 400
    assert "2024-09-04" in missing.json()["error"]["message"]
    assert len(fake.violations) == 2 and "cal-api-version" in fake.violations[1]
    assert fake.sent("POST", "/v2/bookings")[0].version == "2024-09-04"
    assert not fake.bookings
    fake.violations.clear()


async def test_a_body_the_document_refuses_is_a_400_and_a_violation(api, fake):
    response = await api.post("/v2/bookings", headers=BOOKINGS, json={"start": NINE, "eventTypeId": HAIRCUT})
    assert response.status_code == 400
    assert any("attendee" in v for v in fake.violations)
    bad_language = await api.post("/v2/bookings", headers=BOOKINGS, json={
        "start": NINE, "eventTypeId": HAIRCUT,
        "attendee": {"name": "A", "email": "a@b.org", "timeZone": "UTC", "language": "klingon"}})
    assert bad_language.status_code == 400 and len(fake.violations) == 2
    unknown = await api.get("/v2/nowhere")
    unmodelled = await api.get("/v2/bookings/x/references", headers=BOOKINGS)
    assert (unknown.status_code, unmodelled.status_code) == (404, 501)
    assert len(fake.violations) == 4
    with pytest.raises(AssertionError, match="broke its API document"):
        fake.assert_clean()
    fake.violations.clear()


async def test_the_fake_checks_its_own_answers_against_the_document(api, fake, monkeypatch):
    original = fake._booking_json
    monkeypatch.setattr(fake, "_booking_json", lambda b: {**original(b), "status": "confirmed"})
    await book(api)
    assert any("drifts from the document" in v for v in fake.violations)
    fake.violations.clear()


# Faults ----------------------------------------------------------------------------------------------


async def test_down_and_rate_limited(api, fake):
    fake.down = 1
    assert (await api.get("/v2/me")).status_code == 503
    ok = await api.get("/v2/me")
    assert ok.status_code == 200 and ok.headers["X-RateLimit-Limit-Default"] == "120"
    assert int(ok.headers["X-RateLimit-Remaining-Default"]) < 120

    fake.rate_limited = 1
    limited = await api.get("/v2/me")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "ThrottlerException"
    assert (limited.headers["X-RateLimit-Remaining-Default"], limited.headers["X-RateLimit-Reset-Default"]) == (
        "0", "60")

    fake.enforce_rate_limit, fake.limit_per_minute = True, 3
    statuses = [(await api.get("/v2/me")).status_code for _ in range(3)]
    assert statuses[-1] == 429


async def test_a_lost_race_is_409_and_the_slot_is_really_gone(api, fake):
    fake.conflict_next = 1
    lost = await book(api, NINE, SARAH_HAIRCUT)
    assert lost.status_code == 409 and lost.json()["error"]["code"] == "booking_conflict_error"
    assert "2026-06-01T09:00:00.000+02:00" not in await slot_starts(api, eventTypeId=SARAH_HAIRCUT)
    assert (await book(api, NINE, SARAH_HAIRCUT)).status_code == 400


async def test_a_dropped_create_response_still_booked_once(api, fake):
    fake.drop_create_response = 1
    with pytest.raises(httpx.RemoteProtocolError):
        await book(api, NINE, SARAH_HAIRCUT)
    retried = await book(api, NINE, SARAH_HAIRCUT)
    assert retried.status_code == 400  # the first attempt holds the slot
    assert len(fake.bookings_of("alice@example.org")) == 1


# Webhooks --------------------------------------------------------------------------------------------


def _verified(fake: FakeCalcom, delivery: dict) -> dict:
    expected = hmac.new(fake.webhook_secret.encode(), delivery["body"], hashlib.sha256).hexdigest()
    assert delivery["headers"]["X-Cal-Signature-256"] == expected
    return json.loads(delivery["body"])


async def test_changes_in_cal_com_post_signed_webhooks(fake, receiver):
    status = await fake.book_in_calcom(HAIRCUT, datetime(2026, 6, 1, 7, tzinfo=UTC), "carol@example.org",
                                       "Carol Example", username="tom")
    assert status == 200
    created = _verified(fake, receiver[-1])
    booking = fake.last_booking
    assert created["triggerEvent"] == "BOOKING_CREATED" and created["createdAt"] == "2026-06-01T06:00:00.000Z"
    payload = created["payload"]
    assert (payload["uid"], payload["bookingId"], payload["status"]) == (booking.uid, booking.id, "ACCEPTED")
    assert (payload["startTime"], payload["endTime"]) == ("2026-06-01T07:00:00Z", "2026-06-01T07:30:00Z")
    assert payload["organizer"]["username"] == "tom" and payload["attendees"][0]["email"] == "carol@example.org"

    await fake.reschedule_in_calcom(booking.uid, datetime(2026, 6, 1, 8, tzinfo=UTC))
    moved = _verified(fake, receiver[-1])["payload"]
    assert _verified(fake, receiver[-1])["triggerEvent"] == "BOOKING_RESCHEDULED"
    assert moved["rescheduleUid"] == booking.uid and moved["uid"] != booking.uid
    assert moved["rescheduleStartTime"] == "2026-06-01T07:00:00Z"

    await fake.cancel_in_calcom(moved["uid"], "closing early")
    cancelled = _verified(fake, receiver[-1])
    assert cancelled["triggerEvent"] == "BOOKING_CANCELLED"
    assert cancelled["payload"]["cancellationReason"] == "closing early"
    assert cancelled["payload"]["status"] == "CANCELLED"

    with pytest.raises(SlotUnavailable):
        await fake.book_in_calcom(SARAH_HAIRCUT, datetime(2026, 6, 7, 9, tzinfo=UTC), "d@example.org", "D")


async def test_api_changes_fire_webhooks_too(api, fake, receiver):
    beard = STAFF_EVENT_TYPE_IDS[("tom", "beard")]
    uid = (await book(api, NINE, beard)).json()["data"]["uid"]
    await fake.settle()
    assert _verified(fake, receiver[-1])["triggerEvent"] == "BOOKING_REQUESTED"
    await fake.reject_in_calcom(uid, "no beard today")
    assert _verified(fake, receiver[-1])["triggerEvent"] == "BOOKING_REJECTED"

    fake.webhooks_for_api_changes = False
    await book(api, TEN, SARAH_HAIRCUT)
    await fake.settle()
    assert len(receiver) == 2 and [d.trigger for d in fake.deliveries] == ["BOOKING_REQUESTED", "BOOKING_REJECTED"]


async def test_a_held_slot_cannot_be_booked_by_others_but_by_its_holder(api, fake):
    held = await api.post("/v2/slots/reservations", headers=SLOTS,
                          json={"eventTypeId": SARAH_HAIRCUT, "slotStart": NINE})
    assert held.json()["data"]["reservationDuration"] == 5
    with pytest.raises(SlotUnavailable):
        await fake.book_in_calcom(SARAH_HAIRCUT, datetime(2026, 6, 1, 7, tzinfo=UTC), "d@example.org", "D")
    assert (await book(api, NINE, SARAH_HAIRCUT)).status_code == 201
    assert not fake.reservations  # used up by the booking
    again = await api.post("/v2/slots/reservations", headers=SLOTS,
                           json={"eventTypeId": SARAH_HAIRCUT, "slotStart": NINE})
    assert again.status_code == 422


async def test_webhooks_reach_nothing_but_loopback_urls(fake):
    assert await fake.book_in_calcom(HAIRCUT, datetime(2026, 6, 1, 7, tzinfo=UTC), "e@example.org", "E") is None
    assert fake.deliveries == []
    fake.webhook_urls = ["https://bot.example.org/calcom"]
    assert await fake.book_in_calcom(HAIRCUT, datetime(2026, 6, 1, 8, tzinfo=UTC), "f@example.org", "F") is None
    assert "127.0.0.1 only" in fake.deliveries[0].error
