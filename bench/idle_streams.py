"""Benchmark: idle live streams held by one uvicorn worker, their memory and their CPU.

    .venv/bin/python -m bench.idle_streams [--streams 500]

Each stream belongs to a visitor of its own (distinct feed cookies, as from that many browsers,
each got from a GET of /feed/poll/), so the hub tracks as many subscriptions as streams. The server
is warmed up with one stream first; its resident size (VmRSS) is read before the streams open and
once every stream has sent its first message (`retry:`, sent once it has subscribed) and the first
reads are done. CPU is the server's user + system time over an idle window that includes one
heartbeat on every stream (FEED_HEARTBEAT_SECONDS, 15 s) and the watcher's 1 s polls.
"""

import argparse
import asyncio
import resource
import time
from collections import Counter

from bench.server import Server, Visitor, machine, open_stream, serve, sse_text

IDLE_SECONDS = 20
SETTLE_SECONDS = 3  # for the streams' first reads of the database to finish
CONNECTING_AT_ONCE = 50
TARGET_STREAMS, TARGET_KIB = 500, 100


def raise_file_limit(needed: int) -> None:
    """Allow this client (and the server it starts, which inherits it) enough sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise SystemExit(f"RLIMIT_NOFILE hard limit {hard} is below the {needed} needed")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def visitor_cookies(server: Server, count: int) -> list[str]:
    """Feed cookies of `count` new visitors, as their first responses set them."""
    browser, cookies = Visitor(server), []
    for _ in range(count):
        browser.cookies.clear()
        browser.get("/feed/poll/")
        cookies.append(browser.cookie_header())
    return cookies


async def hold(port: int, cookie: str, gate: asyncio.Semaphore, counts: Counter[str]) -> None:
    """Open one stream, report it connected at its first message, then count its heartbeats."""
    async with gate:
        reader, writer = await open_stream(port, cookie)
        chunks = sse_text(reader)
        first = await anext(chunks)
        assert first.startswith("retry:"), first
    counts["connected"] += 1
    try:
        async for text in chunks:
            counts["heartbeats"] += text.count(": heartbeat")
    finally:
        writer.close()


async def measure(server: Server, cookies: list[str]) -> dict[str, float]:
    """Open a stream per cookie; read the server's memory, then its CPU while they all idle."""
    gate, counts = asyncio.Semaphore(CONNECTING_AT_ONCE), Counter[str]()
    rss_before, started = server.status_kib("VmRSS"), time.monotonic()
    streams = [asyncio.create_task(hold(server.port, cookie, gate, counts)) for cookie in cookies]
    while counts["connected"] < len(cookies):
        if ended := [task for task in streams if task.done()]:
            ended[0].result()  # Raises what ended it, if anything did.
            raise RuntimeError("a stream closed while others were still connecting")
        await asyncio.sleep(0.05)
    connecting = time.monotonic() - started
    await asyncio.sleep(SETTLE_SECONDS)
    rss_after, cpu = server.status_kib("VmRSS"), server.cpu_seconds()
    await asyncio.sleep(IDLE_SECONDS)
    idle_cpu = server.cpu_seconds() - cpu
    alive = sum(not task.done() for task in streams)
    for task in streams:
        task.cancel()
    await asyncio.gather(*streams, return_exceptions=True)
    return {
        "connecting": connecting,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "idle_cpu": idle_cpu,
        "alive": alive,
        "heartbeats": counts["heartbeats"],
    }


async def warm_up(server: Server, cookie: str) -> None:
    """One stream opened and closed: the hub, the reader threads and the templates exist."""
    reader, writer = await open_stream(server.port, cookie)
    await anext(sse_text(reader))
    writer.close()
    await asyncio.sleep(1)


def report(streams: int, figures: dict[str, float]) -> None:
    per_stream = (figures["rss_after"] - figures["rss_before"]) / streams
    cpu_percent = figures["idle_cpu"] / IDLE_SECONDS * 100
    print(f"{streams} streams, distinct visitors, connected in {figures['connecting']:.1f} s.")
    print(f"Server RSS: {figures['rss_before'] / 1024:.1f} MB before,", end=" ")
    print(f"{figures['rss_after'] / 1024:.1f} MB with the streams open: {per_stream:.1f} KB each.")
    print(f"Idle for {IDLE_SECONDS} s: {cpu_percent:.1f}% of one core;", end=" ")
    print(f"{figures['heartbeats']} heartbeats received, {figures['alive']} streams still open.")
    met = streams >= TARGET_STREAMS and figures["alive"] == streams and per_stream < TARGET_KIB
    print(
        f"\nTarget: {TARGET_STREAMS} streams under {TARGET_KIB} KB each:"
        f" {figures['alive']} streams at {per_stream:.1f} KB: {'met' if met else 'MISSED'}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=TARGET_STREAMS)
    streams = parser.parse_args().streams
    print(f"Machine: {machine()}.")
    raise_file_limit(2 * streams + 100)  # The client's sockets here, the server's there.
    with serve() as server:
        cookies = visitor_cookies(server, streams + 1)
        asyncio.run(warm_up(server, cookies.pop()))
        figures = asyncio.run(measure(server, cookies))
    report(streams, figures)


if __name__ == "__main__":
    main()
