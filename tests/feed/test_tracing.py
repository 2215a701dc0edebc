"""OpenTelemetry: a span per recorded send, a child span per receiver, nested as sent."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.dispatch import Signal
from opentelemetry.trace import StatusCode

from profiles.receivers import create_profile

pytestmark = pytest.mark.django_db

outer = Signal()
inner = Signal()


def sends_inner(sender, **kwargs):
    """A receiver which sends another signal, so its span holds that send's span."""
    inner.send(sender="nested")


def counts_users(sender, **kwargs):
    """A receiver which runs one query."""
    get_user_model().objects.count()


def fails(sender, **kwargs):
    """A receiver which raises."""
    raise ValueError("traced failure")


def by_name(exporter) -> dict:
    return {span.name: span for span in exporter.get_finished_spans()}


def test_spans_nest_as_sent(attach, spans):
    attach(outer, sends_inner)
    attach(inner, counts_users)
    outer.send(sender="top")
    found = by_name(spans)
    chain = [found["outer"], found["sends_inner"], found["inner"], found["counts_users"]]
    parents = [span.parent.span_id if span.parent else None for span in chain]
    assert parents == [None, *(span.context.span_id for span in chain[:-1])]


def test_a_receiver_span_names_its_code(attach, spans):
    attach(inner, counts_users)
    inner.send(sender="nested")
    attributes = by_name(spans)["counts_users"].attributes
    assert attributes["code.function.name"] == "tests.feed.test_tracing.counts_users"
    assert attributes["code.file.path"] == "tests/feed/test_tracing.py"
    assert attributes["code.line.number"] == counts_users.__code__.co_firstlineno


def test_a_receiver_span_carries_signal_sender_outcome_and_queries(attach, spans):
    attach(inner, counts_users)
    inner.send(sender="nested")
    attributes = by_name(spans)["counts_users"].attributes
    assert (
        attributes["django.signal.name"],
        attributes["django.signal.sender"],
        attributes["django.signal.receiver.async"],
        attributes["django.signal.outcome"],
        attributes["django.signal.queries"],
    ) == ("inner", "nested", False, "returned", 1)


def test_a_receiver_that_raises_under_send_robust_is_an_error_span(attach, spans):
    attach(inner, fails)
    inner.send_robust(sender="nested")
    span = by_name(spans)["fails"]
    assert (span.status.status_code, span.attributes["django.signal.outcome"]) == (
        StatusCode.ERROR,
        "raised",
    )


def test_a_signup_makes_a_span_for_create_profile(client, sign_up, spans):
    sign_up(client, "traced@example.com")
    names = [span.name for span in spans.get_finished_spans()]
    assert create_profile.__name__ in names


def test_without_opentelemetry_recording_is_unchanged():
    """With opentelemetry not importable, sends are recorded as before and nothing fails."""
    script = (
        "import sys; sys.modules['opentelemetry'] = None\n"
        "import django; django.setup()\n"
        "from signal_lens.insight import tracing; from django.dispatch import Signal\n"
        "probe = Signal(); probe.connect(lambda sender, **kw: 'answer', weak=False)\n"
        "print(tracing.trace, probe.send(sender='x')[0][1])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "test_settings", "PYTHONPATH": ".:site"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["None", "answer"]
