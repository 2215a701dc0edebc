"""Benchmark: from a signal's send to its event arriving at a live SSE client, one uvicorn process.

    .venv/bin/python -m bench.feed_latency

One visitor holds /feed/stream/ open while the same visitor (same feed cookie), on a second
connection, presses the playground's "Send a custom signal" (POST /playground/custom/, which sends
`experiment`), one request at a time, waiting for each chain to arrive before the next.

Latency runs from the send as the recorder stamped it (the `experiment` event's `started_at`, read
back from the database afterwards) to the moment the client has read the whole SSE message that
carries the event. That is the definition the target asks for, and it holds everything after the
send: the rest of the view, the response, the write after it, the wake-up, the read and the render.
Both ends use the machine's wall clock (`datetime.now` in the server, `time.time` here). The time
from the client's own request start is shown too, as a check that includes the request's first part.
"""

import asyncio
import re
import sqlite3
import statistics
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bench.server import Server, Visitor, machine, open_stream, serve, sse_text

EVENTS = 500
WARM_UP = 10  # First requests load templates and open caches: not what a visitor waits for.
PATH = "/playground/custom/"
# One visitor pressing the button hundreds of times: the playground's rate limits stay out of it.
UNLIMITED = 'ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "playground": ""}\n'
TARGET_P50_MS, TARGET_P99_MS = 50, 250


async def messages(reader: asyncio.StreamReader) -> AsyncIterator[tuple[float, str]]:
    """Each complete SSE message, with the wall-clock time its last byte was read."""
    buffer = ""
    async for text in sse_text(reader):
        buffer += text
        arrived = time.time()
        while "\n\n" in buffer:
            message, buffer = buffer.split("\n\n", 1)
            yield arrived, message


async def listen(reader: asyncio.StreamReader, arrivals: asyncio.Queue) -> None:
    """Queue (arrival time, SSE id) for each chain of the benchmark's requests."""
    async for arrived, message in messages(reader):
        found = re.search(r"^id: (\d+)$", message, re.MULTILINE)
        if found and 'data-signal="experiment"' in message:
            await arrivals.put((arrived, int(found[1])))


async def run(server: Server, visitor: Visitor) -> list[tuple[float, float, float, int]]:
    """(request start, response, SSE message arrival, SSE id) for each measured request."""
    reader, writer = await open_stream(server.port, visitor.cookie_header())
    arrivals: asyncio.Queue[tuple[float, int]] = asyncio.Queue()
    listener = asyncio.create_task(listen(reader, arrivals))
    samples = []
    try:
        for _ in range(WARM_UP + EVENTS):
            requested = time.time()
            status = await asyncio.to_thread(visitor.post, PATH, htmx=True)
            answered = time.time()
            assert status == 200, f"POST {PATH} answered {status}"
            arrived, last_id = await asyncio.wait_for(arrivals.get(), timeout=10)
            samples.append((requested, answered, arrived, last_id))
    finally:
        listener.cancel()
        writer.close()
    return samples[WARM_UP:]


def send_times(server: Server, last_ids: list[int]) -> dict[int, float]:
    """When the recorder saw each chain's `experiment` send, keyed by the chain's SSE id."""
    marks = ", ".join("?" * len(last_ids))
    query = (
        "SELECT last.id, sent.started_at FROM signal_lens_event AS last"
        " JOIN signal_lens_event AS sent ON sent.chain = last.chain"
        f" WHERE sent.signal = 'experiment' AND last.id IN ({marks})"
    )
    with sqlite3.connect(server.database) as database:
        rows = database.execute(query, last_ids).fetchall()
    # Django stores aware datetimes in SQLite as naive UTC text.
    return {last: datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp() for last, at in rows}


def percentiles(seconds: list[float]) -> tuple[float, float, float, float]:
    """p50, p90, p99 and the maximum, in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[89] * 1000, cuts[98] * 1000, max(seconds) * 1000


def main() -> None:
    print(f"Machine: {machine()}.")
    with serve(settings=UNLIMITED) as server:
        visitor = Visitor(server)
        visitor.get("/playground/")  # The feed cookie and the CSRF cookie, as a browser gets them.
        samples = asyncio.run(run(server, visitor))
        sent = send_times(server, [last_id for *_, last_id in samples])
    rows = {
        "send -> SSE message": [arrived - sent[last] for _, _, arrived, last in samples],
        "request -> SSE message": [arrived - requested for requested, _, arrived, _ in samples],
        "request -> response": [answered - requested for requested, answered, _, _ in samples],
    }
    print(f"{len(samples)} chains streamed, one request at a time (after {WARM_UP} to warm up).\n")
    print(f"{'latency':<24} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    for label, seconds in rows.items():
        print(f"{label:<24}" + "".join(f" {ms:>6.1f}ms" for ms in percentiles(seconds)))
    p50, _, p99, _ = percentiles(rows["send -> SSE message"])
    met = p50 <= TARGET_P50_MS and p99 <= TARGET_P99_MS
    print(
        f"\nTarget, from the send: p50 <= {TARGET_P50_MS} ms and p99 <= {TARGET_P99_MS} ms:"
        f" {p50:.1f} ms and {p99:.1f} ms: {'met' if met else 'MISSED'}."
    )


if __name__ == "__main__":
    main()
