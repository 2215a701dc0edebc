"""Reading the feed's HTML as a visitor reads it: the list of requests, each event's collapsed row
as one line of text, and what a chain's Details load."""

import re

from django.test.html import Element, parse_html

from tests.helpers import elements, list_items, text


def events(node: Element) -> list[Element]:
    """Every event under a node, in document order: the items that name the signal they record."""
    return [
        element
        for element in elements(node)
        if element.name == "li" and "data-signal" in dict(element.attributes)
    ]


def row_text(event: Element) -> str:
    """An event's collapsed row, its first paragraph, as one line: signal, sender, receivers."""
    row = next(child for child in event.children if getattr(child, "name", "") == "p")
    return " ".join(text(row).split())


def row_texts(html: str) -> list[str]:
    """Every event's collapsed row on a page."""
    return [row_text(event) for event in events(parse_html(html))]


def chains(html: str) -> list[Element]:
    """The requests the feed lists: each item of its list that links to the request's page."""
    items = list_items(html, "Requests")
    return [item for item in items if any(each.name == "a" for each in elements(item))]


DETAILS_URL = re.compile(r'hx-get="(/feed/requests/[0-9a-f-]+/details/)"')


def with_details(client, html: str) -> str:
    """A page's HTML followed by what each chain's Details button loads: arguments, receivers'
    files, SQL and on_commit callbacks."""
    return html + "".join(client.get(url).content.decode() for url in DETAILS_URL.findall(html))
