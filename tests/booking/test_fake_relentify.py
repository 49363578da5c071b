"""The fake Relentify answers as the API page says, and holds requests to it.

Tests that break the page on purpose look at `fake.violations` and clear them; the fixture fails any other.
The salon's clock stands at Monday 2026-06-01 08:00 in Berlin (06:00 UTC); it opens at 09:00.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fake_relentify import LINK_IDS, PATCH_TEST, SLUGS, STAFF_IDS, FakeRelentify

TUESDAY_TEN = "2026-06-02T08:00:00Z"  # 10:00 in Berlin


@pytest.fixture
async def fake(demo, clock) -> AsyncIterator[FakeRelentify]:
    fake = FakeRelentify(demo, now=clock)
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
async def api(fake) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake.base, headers={"Authorization": f"Bearer {fake.api_key}"}) as client:
        yield client


def booking(**changes) -> dict:
    return {"booking_link_id": LINK_IDS["haircut"], "contact_name": "Alice", "contact_email": "alice@example.com",
            "start_time": TUESDAY_TEN, **changes}


async def test_a_day_of_slots_comes_from_the_business_file_by_id_or_slug(api):
    by_id = (await api.get("/api/v1/availability", params={"booking_link_id": LINK_IDS["haircut"],
                                                            "date": "2026-06-02"})).json()["data"]
    by_slug = (await api.get("/api/v1/availability", params={"slug": SLUGS["haircut"], "date": "2026-06-02"})).json()
    assert by_slug["data"] == by_id and (by_id["booking_link_id"], by_id["slug"]) == (LINK_IDS["haircut"],
                                                                                         SLUGS["haircut"])
    assert by_id["slots"][0] == {"start": "2026-06-02T07:00:00Z", "end": "2026-06-02T07:30:00Z"}
    assert by_id["slots"][-1]["start"] == "2026-06-02T15:30:00Z"  # 17:30 in Berlin, the last half hour
    missing = await api.get("/api/v1/availability", params={"slug": "nope", "date": "2026-06-02"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "booking_link_not_found"


async def test_round_robin_fills_the_link_and_a_named_person_is_taken(api, fake):
    first = (await api.post("/api/v1/bookings", json=booking())).json()["data"]
    second = (await api.post("/api/v1/bookings", json=booking(contact_email="bob@example.com"))).json()["data"]
    assert {first["staff_id"], second["staff_id"]} == set(STAFF_IDS.values())
    third = await api.post("/api/v1/bookings", json=booking(contact_email="carol@example.com"))
    assert (third.status_code, third.json()["error"]["code"]) == (409, "slot_taken")
    named = await api.post("/api/v1/bookings", json=booking(start_time="2026-06-02T09:00:00Z",
                                                             staff_id=STAFF_IDS["sarah"]))
    assert named.status_code == 201 and named.json()["data"]["staff_id"] == STAFF_IDS["sarah"]


async def test_keys_need_the_scope_of_the_endpoint(api, fake):
    reader = fake.add_key("rly_reader", "bookings:read")
    answer = await api.post("/api/v1/bookings", json=booking(), headers={"Authorization": f"Bearer {reader}"})
    assert answer.status_code == 403 and answer.json()["error"] == {
        "code": "bookings_write_denied", "message": "API key missing bookings:write scope", "status": 403}
    wrong = await api.get("/api/v1/bookings", headers={"Authorization": "Bearer rly_wrong"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_api_key")
    bare = await api.get("/api/v1/bookings", headers={"Authorization": ""})
    assert (bare.status_code, bare.json()["error"]["code"]) == (401, "missing_api_key")
    assert fake.violations == ["GET /api/v1/bookings: no Authorization: Bearer <key>"]
    fake.violations.clear()


async def test_what_the_page_does_not_allow_is_a_violation(api, fake):
    missing = await api.post("/api/v1/bookings", json={"booking_link_id": LINK_IDS["haircut"]})
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "missing_field")
    await api.post("/api/v1/bookings", json=booking(metadata={"x": 1}))
    await api.get("/api/v1/bookings", params={"attendee_email": "a@b.c", "limit": 500})
    await api.post("/api/v1/bookings/x/cancel")
    assert fake.violations == [
        "POST /api/v1/bookings: contact_name is required",
        "POST /api/v1/bookings: field 'metadata' is not on the API page",
        "GET /api/v1/bookings: query parameter 'attendee_email' is not on the API page",
        "GET /api/v1/bookings: limit 500 is over the maximum of 100",
        "POST /api/v1/bookings/x/cancel: no such method on this path",
    ]
    fake.violations.clear()


async def test_pages_say_whether_there_is_more(api, fake):
    for hour in (7, 8, 9):
        assert (await api.post("/api/v1/bookings", json=booking(start_time=f"2026-06-02T{hour:02d}:00:00Z"))
                ).status_code == 201
    first = (await api.get("/api/v1/bookings", params={"limit": 2})).json()
    last = (await api.get("/api/v1/bookings", params={"limit": 2, "page": 2})).json()
    assert first["pagination"] == {"page": 1, "limit": 2, "total": 3, "hasMore": True}
    assert last["pagination"] == {"page": 2, "limit": 2, "total": 3, "hasMore": False} and len(last["data"]) == 1


async def test_a_required_question_and_a_routing_rule(api, fake):
    coloring = {"booking_link_id": LINK_IDS["coloring"]}
    unanswered = await api.post("/api/v1/bookings", json=booking(**coloring))
    assert (unanswered.status_code, unanswered.json()["error"]["code"]) == (400, "validation_failed")
    rejected = await api.post("/api/v1/bookings", json=booking(
        **coloring, answers=[{"question_id": PATCH_TEST, "answer": "no"}]))
    assert (rejected.status_code, rejected.json()["error"]["code"]) == (403, "routing_rejected")
    taken = await api.post("/api/v1/bookings", json=booking(
        **coloring, answers=[{"question_id": PATCH_TEST, "answer": "yes"}]))
    assert taken.status_code == 201 and fake.bookings[taken.json()["data"]["id"]].staff_id == STAFF_IDS["sarah"]


async def test_one_booking_joins_its_link_and_cancels_once(api, fake):
    made = (await api.post("/api/v1/bookings", json=booking())).json()["data"]
    one = (await api.get(f"/api/v1/bookings/{made['id']}")).json()["data"]
    assert (one["link_title"], one["duration_minutes"], one["end_time"]) == ("Haircut", 30, "2026-06-02T08:30:00Z")
    cancelled = await api.patch(f"/api/v1/bookings/{made['id']}/cancel", json={"reason": "ill"})
    assert cancelled.json() == {"data": {"id": made["id"], "status": "cancelled", "reason": "ill"}}
    again = await api.patch(f"/api/v1/bookings/{made['id']}/cancel", json={})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_cancelled")
    unknown = await api.patch("/api/v1/bookings/bk_nope/cancel")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
