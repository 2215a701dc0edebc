"""Reading the feed's HTML as a visitor reads it: each collapsed row as one line of text."""

import re
from html import unescape

ROW = re.compile(r'<p class="event-row">(.*?)</p>', re.S)
# A chain runs until the next chain or the list's closing "nothing yet" item.
NEXT = r'(?=<li class="chain|<li class="feed-empty")'
CHAIN = re.compile(r'(<li class="chain[^"]*" id="chain-[^"]+".*?</li>\s*)' + NEXT, re.S)


def row_texts(html: str) -> list[str]:
    """Every collapsed event row, tags stripped and spaces collapsed."""
    texts = (re.sub(r"<[^>]+>", "", row) for row in ROW.findall(html))
    return [" ".join(unescape(text).split()) for text in texts]


def chain_fragments(html: str) -> list[str]:
    """The HTML of each chain the panel lists."""
    return CHAIN.findall(html)


DETAILS_URL = re.compile(r'hx-get="(/feed/requests/[0-9a-f-]+/details/)"')
SLOT = '<div class="event-details" id="details-'


def opened(client, html: str) -> str:
    """A page's HTML with every chain's Details opened: each row's details in its empty slot."""
    for url in DETAILS_URL.findall(html):
        for block in client.get(url).content.decode().split(SLOT)[1:]:
            event_id = block.split('"', 1)[0]
            html = html.replace(f'{SLOT}{event_id}"></div>', SLOT + block.strip())
    return html
