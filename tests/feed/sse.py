"""Reading the live stream in tests: an ASGI client with a browser's cookies, read until done."""

import asyncio
import re

from django.test import AsyncClient, Client


def stream_client(client: Client) -> AsyncClient:
    """An ASGI client holding the same browser's cookies."""
    async_client = AsyncClient()
    async_client.cookies = client.cookies
    return async_client


def chain_ids(text: str) -> list[int]:
    return [int(found) for found in re.findall(r"^id: (\d+)$", text, re.MULTILINE)]


async def read_until(content, done, timeout: float = 5.0) -> str:
    """Read the stream until `done(text so far)`, failing after `timeout` seconds."""
    text = ""
    async with asyncio.timeout(timeout):
        while not done(text):
            chunk = await anext(content)
            text += chunk.decode() if isinstance(chunk, bytes) else chunk
    return text
