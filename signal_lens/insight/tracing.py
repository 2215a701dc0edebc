"""OpenTelemetry spans for recorded sends: one per send, a child per receiver.

Active only when opentelemetry-api is installed and the process has a tracer provider configured
(the SDK's, or `opentelemetry-instrument`'s); otherwise every function here returns at once.
Spans are parented explicitly and never made current, so the host's tracing context is untouched.
"""

from time import monotonic
from typing import Any

try:
    from opentelemetry import trace
except ImportError:  # An optional dependency: without it the feed simply makes no spans.
    trace = None


INSTRUMENTATION = "signal_lab.feed"
RECHECK_SECONDS = 1.0
_cached: tuple[Any, Any] = (None, None)  # (provider, its tracer)
# Asking OpenTelemetry for its provider costs microseconds (it reads the environment): while none
# is configured, ask again at most once a second, or at once if the lookup itself is replaced.
_unconfigured: tuple[Any, float] = (None, -RECHECK_SECONDS)


def _tracer() -> Any:
    global _cached, _unconfigured
    if trace is None:
        return None
    lookup, checked = _unconfigured
    now = monotonic()
    if lookup is trace.get_tracer_provider and now - checked < RECHECK_SECONDS:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        _unconfigured = (trace.get_tracer_provider, now)
        return None
    if _cached[0] is not provider:
        _cached = (provider, provider.get_tracer(INSTRUMENTATION))
    return _cached[1]


def start_send(send: Any, parent_span: Any) -> Any:
    """A span for a send, under its parent receiver's span or the host's current span."""
    tracer = _tracer()
    if tracer is None:
        return None
    context = trace.set_span_in_context(parent_span) if parent_span is not None else None
    return tracer.start_span(
        send.name.name,
        context=context,
        attributes={
            "django.signal.name": send.name.name,
            "django.signal.module": send.name.module,
            "django.signal.sender": send.sender,
            "django.signal.method": send.method,
        },
    )


def start_call(call: Any, send_span: Any) -> Any:
    """A child span of the send's span for one receiver."""
    if send_span is None:
        return None
    path, _, line = call.info.location.rpartition(":")
    attributes = {
        "django.signal.name": call.send.name.name,
        "django.signal.sender": call.send.sender,
        "django.signal.receiver": call.info.name,
        "django.signal.receiver.async": call.is_async,
        "code.function.name": call.info.name,
    }
    if path and line.isdigit():
        attributes |= {"code.file.path": path, "code.line.number": int(line)}
    context = trace.set_span_in_context(send_span)
    return _tracer().start_span(call.info.short, context=context, attributes=attributes)


def end(span: Any, outcome: str, error: str, **attributes: Any) -> None:
    """Close a span with its outcome (returned, raised) and any counts known at the end."""
    if span is None:
        return
    span.set_attribute("django.signal.outcome", outcome)
    for key, value in attributes.items():
        span.set_attribute(key, value)
    if error:
        span.set_status(trace.Status(trace.StatusCode.ERROR, error))
    span.end()
