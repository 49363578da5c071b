"""The fake Slatis itself: strict where Slatis is (auth, fields, idempotency keys, cursors, transitions),
so the adapter's tests against it mean something. Plain httpx, no adapter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import httpx
import pytest
from fake_slatis import EVENT_TYPE_IDS, MEMBER_IDS, SECRET_KEY, FakeSlatis

TUESDAY = date(2026, 6, 2)


def utc(business, hh: int, mm: int = 0, when: date = TUESDAY) -> str:
    return datetime.combine(when, dtime(hh, mm), tzinfo=business.tz).isoformat()


def new_booking(business, hh: int, when: date = TUESDAY, email: str = "jane@example.com",
                **more: Any) -> dict[str, Any]:
    return {"event_type_id": EVENT_TYPE_IDS["haircut"], "requested_time": utc(business, hh, when=when),
            "attendee": {"name": "Jane", "email": email, "timezone": "Europe/Berlin"},
            "assign_to": MEMBER_IDS["sarah"], **more}


@pytest.fixture
async def api(fake_slatis: FakeSlatis) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake_slatis.base + "/",
                                 headers={"Authorization": f"Bearer {SECRET_KEY}"}) as client:
        yield client


async def test_every_request_needs_a_known_key_in_one_of_the_documented_headers(fake_slatis, api):
    bare = await api.get("event-types", headers={"Authorization": ""})
    assert bare.status_code == 401 and bare.json()["error"]["code"] == "unauthorized"
    assert (await api.get("event-types", headers={"Authorization": "Bearer sk_test_nope"})).status_code == 401
    for header in ("Slatis-Api-Key", "X-API-Key"):
        assert (await api.get("event-types", headers={"Authorization": "", header: SECRET_KEY})).status_code == 200
    fake_slatis.add_key("pk_test_widget", scopes=["availability:read"])
    refused = await api.get("bookings", headers={"Authorization": "Bearer pk_test_widget"})
    assert refused.status_code == 403 and refused.json() == {
        "success": False, "error": {"code": "forbidden", "message": "This API key does not have the bookings:read scope"}}


async def test_a_replay_answers_200_with_the_first_body_and_keys_are_per_team_for_24_hours(demo, clock, fake_slatis, api):
    first = await api.post("bookings", json=new_booking(demo, 10), headers={"Idempotency-Key": "k"})
    replay = await api.post("bookings", json=new_booking(demo, 10), headers={"Idempotency-Key": "k"})
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == {**first.json(), "idempotent_replay": True}
    other = await api.post("bookings", json=new_booking(demo, 11), headers={"Idempotency-Key": "k"})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_mismatch"

    fake_slatis.add_key("sk_test_other_team", team="team_02")
    theirs = await api.post("bookings", json=new_booking(demo, 12), headers={
        "Idempotency-Key": "k", "Authorization": "Bearer sk_test_other_team"})
    assert theirs.status_code == 201, "another team may use the same key string"

    clock.at += timedelta(hours=24)
    later = await api.post("bookings", json=new_booking(demo, 10, TUESDAY + timedelta(days=1)),
                           headers={"Idempotency-Key": "k"})
    assert later.status_code == 201 and later.json()["booking"]["id"] != first.json()["booking"]["id"]


async def test_only_attendee_fields_can_be_patched_and_only_while_the_booking_is_live(demo, fake_slatis, api):
    made = (await api.post("bookings", json=new_booking(demo, 10))).json()["booking"]
    patched = await api.patch(f"bookings/{made['id']}", json={"attendee": {"email": "new@example.com"}})
    assert patched.status_code == 200 and patched.json()["booking"]["attendee"]["email"] == "new@example.com"

    moved = await api.patch(f"bookings/{made['id']}", json={"requested_time": utc(demo, 14)})
    assert moved.status_code == 400 and "Only attendee fields" in moved.json()["error"]["message"]
    assert fake_slatis.violations and "requested_time" in fake_slatis.violations[-1]
    fake_slatis.violations.clear()  # broken on purpose

    await api.post(f"bookings/{made['id']}/complete")
    late = await api.patch(f"bookings/{made['id']}", json={"attendee": {"name": "Janet"}})
    assert late.status_code == 409 and late.json()["error"]["code"] == "invalid_state"


async def test_transitions_repeat_harmlessly_and_refuse_what_the_lifecycle_does_not_allow(demo, api):
    made = (await api.post("bookings", json=new_booking(demo, 10))).json()["booking"]
    one = await api.post(f"bookings/{made['id']}/cancel", json={"reason": "ill"})
    two = await api.post(f"bookings/{made['id']}/cancel", json={"reason": "again"})
    assert one.json() == two.json() and two.json()["booking"]["cancellation_reason"] == "ill"
    for action in ("complete", "no-show", "reschedule"):
        body = {"requested_time": utc(demo, 14)} if action == "reschedule" else {}
        refused = await api.post(f"bookings/{made['id']}/{action}", json=body)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_transition"


async def test_cursors_belong_to_their_filters_and_the_last_page_says_so(demo, fake_slatis, api):
    for hh in range(9, 15):
        fake_slatis.book_in_slatis("haircut", "tom", datetime.combine(TUESDAY, dtime(hh), tzinfo=demo.tz),
                                   "x@example.org", "X")
    first = (await api.get("bookings", params={"limit": 4, "assigned_to_id": MEMBER_IDS["tom"]})).json()
    assert len(first["bookings"]) == 4 and first["pagination"]["has_more"] is True
    last = (await api.get("bookings", params={"limit": 4, "assigned_to_id": MEMBER_IDS["tom"],
                                              "cursor": first["pagination"]["next_cursor"]})).json()
    assert len(last["bookings"]) == 2 and last["pagination"] == {"limit": 4, "has_more": False, "next_cursor": None}

    elsewhere = await api.get("bookings", params={"limit": 4, "cursor": first["pagination"]["next_cursor"]})
    assert elsewhere.status_code == 400 and elsewhere.json()["error"]["code"] == "invalid_cursor"
    assert len(fake_slatis.violations) == 1
    fake_slatis.violations.clear()  # broken on purpose


@pytest.mark.parametrize("body, why", [
    ({"requested_time": "2026-06-02T10:00:00"}, "needs a UTC offset"),
    ({"start": "2026-06-02T08:00:00Z"}, "unknown field"),
    ({"attendee": {"name": "Jane"}}, "missing email"),
    ({"metadata": {"k": {"nested": True}}}, "scalar values"),
])
async def test_a_create_the_api_does_not_allow_is_a_400_and_a_violation(demo, fake_slatis, api, body, why):
    refused = await api.post("bookings", json=new_booking(demo, 10) | body)
    assert refused.status_code == 400 and why in refused.json()["error"]["message"]
    assert len(fake_slatis.violations) == 1 and not fake_slatis.bookings
    fake_slatis.violations.clear()  # broken on purpose


async def test_freebusy_shows_opening_hours_less_bookings_and_their_clean_up(demo, fake_slatis, api):
    fake_slatis.book_in_slatis("coloring", "sarah", datetime.combine(TUESDAY, dtime(10), tzinfo=demo.tz),
                               "x@example.org", "X")
    answer = (await api.get(f"freebusy/{MEMBER_IDS['sarah']}", params={
        "start": "2026-06-02T00:00:00Z", "end": "2026-06-03T00:00:00Z", "time_slot": 30})).json()
    assert answer["busy"] == [{"start": "2026-06-02T08:00:00.000Z", "end": "2026-06-02T09:45:00.000Z"}]
    assert answer["free"] == [{"start": "2026-06-02T07:00:00.000Z", "end": "2026-06-02T08:00:00.000Z"},
                              {"start": "2026-06-02T09:45:00.000Z", "end": "2026-06-02T16:00:00.000Z"}]
