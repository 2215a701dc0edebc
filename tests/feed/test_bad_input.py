"""Numbers read from a request are ASCII digits of a sane length: anything else is a 400 or ignored.

`"²".isdigit()` is true, and int() refuses more than 4,300 digits: both used to answer 500.
"""

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)

NOT_EVENT_IDS = ["%C2%B2", "9" * 5000, "9" * 19, "-1", "1e3", "%EF%BC%91"]


def stream(client, url: str, **headers: str):
    """GET the live stream under ASGI with this browser's cookies; the response."""

    async def scenario():
        async_client = AsyncClient(headers=headers)
        async_client.cookies = client.cookies
        return await async_client.get(url)

    return async_to_sync(scenario)()


def streamed(response) -> bytes:
    async def read():
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(read)()


@pytest.mark.parametrize("after", NOT_EVENT_IDS)
def test_poll_refuses_an_after_that_is_not_an_event_id(client, after):
    assert client.get(f"/feed/poll/?after={after}").status_code == 400


@pytest.mark.parametrize("after", NOT_EVENT_IDS)
def test_stream_refuses_an_after_that_is_not_an_event_id(client, after):
    assert stream(client, f"/feed/stream/?after={after}").status_code == 400


@pytest.mark.parametrize("last_event_id", ["²", "9" * 5000, "-1"])
def test_stream_ignores_a_last_event_id_that_is_not_an_event_id(client, settings, last_event_id):
    settings.FEED_STREAM_MAX_SECONDS = 0  # Send what is there, then end.
    client.get("/accounts/login/")
    response = stream(client, "/feed/stream/?after=0", last_event_id=last_event_id)
    assert b"GET /accounts/login/" in streamed(response)


def test_a_chain_id_that_is_not_a_uuid_is_not_found(client):
    assert client.get("/feed/requests/%C2%B2/").status_code == 404


def test_a_playground_operation_that_is_not_a_slug_is_not_found(client):
    assert client.post("/playground/%C2%B2/").status_code == 404


@pytest.mark.parametrize("topic", ["9" * 30, "9" * 5000])
def test_interests_refuse_topic_ids_that_are_not_ids(client, user, topic):
    client.force_login(user)
    response = client.post(
        "/profile/interests/", {"interests": [topic]}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and not user.profile.interests.exists()
