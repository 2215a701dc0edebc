import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from profiles.models import Topic
from signal_lens.conf import feed_setting
from signal_lens.context import muted
from signal_lens.store import writer
from tests.helpers import PASSWORD, FeedClient, writes_events
from tests.stores import clear_cache, scratch_database, uses_postgres

# Another project's tests, with their own settings: `make test` runs them apart.
collect_ignore = ["host"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache: no test may inherit another's."""
    clear_cache()


@pytest.fixture(scope="session", autouse=True)
def leave_no_cache_keys() -> Iterator[None]:
    """A run on a shared Redis leaves nothing of its own behind."""
    yield
    clear_cache()


@pytest.fixture(scope="session", autouse=True)
def test_database_released(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Let the run drop its PostgreSQL test database: the feed's threads still hold connections.

    Without this, DROP DATABASE fails and the database stays behind on the shared server.
    """
    yield
    if connection.vendor == "postgresql":
        writer.flush()
        # Unrecorded, or the writer would connect again to write this very query's signals.
        with muted(), django_db_blocker.unblock(), connection.cursor() as cursor:
            # Ending a backend takes a moment: wait (up to 5 s) until the others are gone.
            cursor.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def server_database() -> Iterator[dict[str, str]]:
    """Environment for a server a test starts: on PostgreSQL runs, a database of its own.

    Without it, such a server would share the run's configured database with other runs.
    """
    if not uses_postgres():
        yield {}
        return
    with scratch_database(os.environ["DJANGO_DATABASE_URL"]) as url:
        yield {"DJANGO_DATABASE_URL": url}


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


@pytest.fixture
def attach():
    """Connect receivers to any signal for one test, disconnecting each afterwards."""
    attached = []

    def connect(signal, receiver, **kwargs):
        signal.connect(receiver, weak=False, **kwargs)
        attached.append((signal, receiver, kwargs))

    yield connect
    for signal, receiver, kwargs in attached:
        signal.disconnect(receiver, **kwargs)


@pytest.fixture
def stored_receivers(db):
    """Store one event whose receivers are given as (name, outcome, ms, queries) tuples.

    A dotted name is a receiver's qualified name; a plain one is put in the `tests` module.
    """

    def store(method: str, *receivers: tuple[str, str, float, int | None], **context):
        from django.utils import timezone

        from signal_lens.models import Event

        return Event.objects.create(
            chain=uuid.uuid4(), seq=0, origin_kind="command", origin="pytest", signal="stored",
            signal_module="tests", family="custom", method=method, sender="test",
            summary="", started_at=timezone.now(), offset_ms=0.0, duration_ms=0.0,
            context=context,
            receivers=[
                {"name": name if "." in name else f"tests.{name}", "short": name.rpartition(".")[2],
                 "location": "", "async": False,
                 "offset_ms": 0.0, "duration_ms": ms, "outcome": outcome, "error": "",
                 "queries": queries}
                for name, outcome, ms, queries in receivers
            ],
        )  # fmt: skip

    return store


@pytest.fixture
def spans(monkeypatch) -> InMemorySpanExporter:
    """Spans the feed makes while a tracer provider is configured: the SDK's, kept in memory.

    The provider stands in for the process-wide one only during the test (OpenTelemetry lets a
    process set its own once), so other tests run without tracing, as most hosts do.
    """
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    return exporter
