"""The playground's rate limits: per visitor and per IP address, a 429 with the reason."""

import pytest
from django.test import Client

from playground.models import SandboxNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"playground": "2/m/key,3/m/ip"}


def visitor() -> Client:
    """A browser that loaded the playground, so it holds its feed cookie."""
    client = Client()
    client.get("/playground/")
    return client


def post_custom(client: Client):
    return client.post("/playground/custom/", headers={"HX-Request": "true"})


def test_a_visitor_past_its_limit_gets_429_with_the_reason(limits):
    client = visitor()
    statuses = [post_custom(client).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "wait a minute" in post_custom(client).content.decode()


def test_one_visitors_limit_leaves_another_visitor_free(settings):
    settings.ACCOUNT_RATE_LIMITS = {"playground": "1/m/key"}
    first, second = visitor(), visitor()
    post_custom(first)
    assert post_custom(first).status_code == 429
    assert post_custom(second).status_code == 200


def test_an_ip_address_is_limited_across_visitors(limits):
    statuses = [post_custom(visitor()).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_refused_operation_writes_no_note(limits):
    client = visitor()
    for _ in range(2):
        client.post("/playground/save/")
    client.post("/playground/save/")
    assert SandboxNote.objects.count() == 2
