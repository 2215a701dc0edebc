from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from feed import writer
from feed.conf import feed_setting
from profiles.models import Topic
from tests.helpers import PASSWORD, FeedClient, writes_events

# Another project's tests, with their own settings: `make test` runs them apart.
collect_ignore = ["host"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache: no test may inherit another's."""
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """A fresh MEDIA_ROOT for every test, so no test writes into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def feed_written(request):
    """No test's events may be written into the next one's: wait for the writer at the end.

    Only where the writer can write: inside TestCase's transaction events are never written.
    """
    yield
    if writes_events(request):
        writer.flush()


@pytest.fixture
def client(request) -> Client:
    """Django's test client; in tests whose transactions commit, it waits for the feed's writes."""
    return FeedClient() if writes_events(request) else Client()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD
    )


@pytest.fixture
def sign_up(password):
    """Sign a test client up with this email: the site's full signup flow."""

    def post(client: Client, email: str):
        data = {"email": email, "password1": password, "password2": password}
        return client.post("/accounts/signup/", data)

    return post


@pytest.fixture
def internals_shown(client) -> Client:
    """The test client with "show Django's internals" switched on, as the switch's cookie does."""
    client.cookies[feed_setting("FEED_INTERNALS_COOKIE")] = "1"
    return client


@pytest.fixture
def topic(db):
    """The "Signals" topic: seeded by a migration, which tests that commit may have flushed."""
    return Topic.objects.get_or_create(slug="signals", defaults={"name": "Signals"})[0]


@pytest.fixture
def signed_up(client, sign_up) -> Client:
    """A browser (its test client) that has just signed up as bob@example.com."""
    sign_up(client, "bob@example.com")
    return client
