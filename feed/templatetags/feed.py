from typing import Any

from django import template
from django.template.context import RequestContext

from feed.views import panel_context

register = template.Library()


@register.inclusion_tag("feed/feed.html#panel", takes_context=True)
def feed_panel(context: RequestContext) -> dict[str, Any]:
    """The live feed beside every page: this browser's newest requests and their signals."""
    request = context["request"]
    return {**panel_context(request), "request": request, "csrf_token": context.get("csrf_token")}


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
