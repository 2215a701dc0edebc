from typing import Any

from django import template
from django.template.context import RequestContext
from django.template.loader import render_to_string

from signal_lens.context import muted
from signal_lens.pages import glossary
from signal_lens.pages.panel import panel_context

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_panel(context: RequestContext) -> str:
    """The live feed beside every page: this browser's newest requests and their signals.

    Rendered muted: signals sent while drawing the feed (template_rendered, under tests) are the
    feed's own work, and recording them would grow the feed with every page drawn.
    """
    request = context["request"]
    with muted():
        return render_to_string(
            "signal_lens/feed.html#panel", panel_context(request), request=request
        )


@register.filter
def ms(value: float) -> str:
    """A duration in milliseconds, precise where it is small: "0.042 ms", "3.1 ms", "120 ms"."""
    if value < 1:
        return f"{value:.3f} ms"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


@register.filter
def arg(value: Any) -> str:
    """A recorded argument as text: model references as "auth.User #5", lists joined."""
    if isinstance(value, dict) and "model" in value:
        return f"{value['model']} #{value['pk']}" if value.get("pk") is not None else value["model"]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def _name_and_module(signal: Any) -> tuple[str, str]:
    """A recorded event's signal, or a receivers-map SignalName, as (name, module)."""
    if hasattr(signal, "signal_module"):
        return signal.signal, signal.signal_module
    return signal.name, signal.module


@register.filter
def docs_url(signal: Any) -> str:
    """The documentation entry of a Django (or allauth) signal; "" for the project's own."""
    return glossary.docs_url(*_name_and_module(signal))


@register.filter
def explain(signal: Any) -> str:
    """One line on what a Django signal means."""
    return glossary.explain(*_name_and_module(signal))
