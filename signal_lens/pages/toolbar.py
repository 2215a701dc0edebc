"""django-debug-toolbar's "Signals, live" panel: the signals this request sent, as they ran.

The toolbar's own Signals panel lists the receivers connected to fifteen signals. This one reads
the request's chain as the recorder holds it in memory when the toolbar finishes the response:
imported only when DEBUG_TOOLBAR_PANELS names it, so a host without the toolbar never loads it.
"""

from typing import Any

from debug_toolbar.panels import Panel
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from signal_lens.context import current_chain
from signal_lens.recording.chains import Chain, Send


def _receiver(call: dict[str, Any], skipped: bool) -> dict[str, Any]:
    return {
        "name": call["short"],
        "outcome": "skipped" if skipped else call["outcome"],
        "ms": call["duration_ms"],
        "queries": call.get("queries", 0),
        "query_ms": call.get("query_ms", 0),
        "error": call["error"],
    }


def _send(send: Send) -> dict[str, Any]:
    """A send as the panel shows it: plain values, which the toolbar's store keeps as JSON."""
    record = send.record("")
    skipped = bool(record["context"].get("skipped"))
    return {
        "signal": record["signal"],
        "sender": record["sender"],
        "summary": record["summary"],
        "indent": "· " * record["depth"],
        "ms": record["duration_ms"],
        "skipped": skipped,
        "receivers": [_receiver(call, skipped) for call in record["receivers"]],
    }


def _waterfall_url(chain: Chain) -> str:
    try:
        return reverse("signal_lens:chain", args=[chain.id])
    except NoReverseMatch:  # The host has not included signal_lens.urls.
        return ""


class SignalsLivePanel(Panel):
    """Each signal this request sent, its receivers, their time and queries, what was skipped."""

    title = "Signals, live"
    template = "signal_lens/toolbar.html"
    is_async = True

    @property
    def nav_subtitle(self) -> str:
        sends = self.get_stats().get("sends", [])
        receivers = sum(len(send["receivers"]) for send in sends)
        return f"{len(sends)} sends, {receivers} receivers"

    def generate_stats(self, request: HttpRequest, response: HttpResponse) -> None:
        chain = current_chain.get()
        if chain is None or chain.ignored:
            self.record_stats({"sends": [], "waterfall": ""})
            return
        self.record_stats(
            {"sends": [_send(send) for send in chain.sends], "waterfall": _waterfall_url(chain)}
        )
