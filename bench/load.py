"""Benchmark: a whole classroom at once, with Locust (issue 9). Not a test: it prints figures.

    .venv/bin/python -m bench.load                           # SQLite, one uvicorn worker
    .venv/bin/python -m bench.load --postgres --workers 2    # PostgreSQL + Redis, two workers
    options: --visitors 50 --streams 200 --seconds 60 --flood-seconds 30 --rounds 100
             --saturation-seconds 10 --parts pages,classroom,flood,saturation (which to run)

Four parts, each on a freshly migrated server:
1. One request at a time: a signed-in learner halfway through the walkthrough, with a full feed,
   asks for the home page and for the site's own 404 page: server CPU and wall time per request,
   and the weights of the home page, the 404 and the feed's history page (20 bio saves).
2. The classroom: V learners sign up and follow the walkthrough (home, log out, a failed login,
   log in, an avatar, their interests) as set-up, then click on through home, profile, a bio
   save and the playground with its custom signal, with 0.5-2 s pauses, each
   holding its own stream and checking that every bio save arrives there; S more clients hold
   idle streams. Requests/s, p50/p99 per page, errors, chains
   lost, streams alive, server CPU per request.
3. The flood: one visitor holds 30 streams and posts the custom signal in a loop, two cookie-less
   clients post alongside; another visitor saves its bio every second. The delay of its saves on
   its stream, and how many of its chains the flood erased (the table is capped small on purpose).
4. Saturation: clients without pauses ask for the learner's home page, then for the 404 page, as
   fast as the server answers: page views/s of each (run it with --workers 1 and 2).

PostgreSQL: a throwaway database with a unique name for each part on DJANGO_BENCH_POSTGRES (default
the shared 127.0.0.1:5432), dropped after it; Redis: DJANGO_BENCH_REDIS (default
127.0.0.1:6379/0) under a key prefix of the part's own, whose keys are deleted after it.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import deque  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager, nullcontext  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import gevent  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402
import requests  # noqa: E402
from locust import HttpUser, SequentialTaskSet, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from PIL import Image  # noqa: E402

from bench.server import Server, machine, serve  # noqa: E402

PASSWORD = "correct-horse-battery-staple"
SETTLE_SECONDS = 5  # for the last bio saves to reach their streams after the load stops
SPAWN_RATE = 10  # users started per second
BLOCK = 20  # one-at-a-time requests of one page between two CPU readings
RAMP_SECONDS = 3  # after the last user's set-up, for its stream to be subscribed
SATURATION_CLIENTS = 8  # clients asking without pauses: more than one worker answers at once
# A workshop shares one IP address: allauth's per-IP limits must allow a room, and its per-email
# limit on failed logins (5 in 5 minutes) a learner who fails one on purpose every round.
ROOM_LIMITS = (
    'ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "signup": "1000/m/ip", "login": "1000/m/ip",'
    ' "login_failed": "1000/m/ip,100/300s/key"}\n'
)
# The flood runs against a small table, so retention has to choose whom to keep; the victim's
# whole run (about 250 events) stays within its floor, so "erases none" is the check.
FLOOD_TABLE = "FEED_MAX_EVENTS = 1000\nFEED_PRUNE_EVERY = 20\nFEED_VISITOR_EVENTS = 400\n"
HISTORY_SAVES = 20  # bio saves before the pages part: a full panel, and a history page of 20


def small_jpeg() -> bytes:
    """A learner's avatar: a small photo, as a phone would send a thumbnail."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


AVATAR = small_jpeg()


@dataclass
class Save:
    answered: float | None = None  # when the response came, if it was a 200
    arrived: float | None = None  # when its chain came on the visitor's own stream


class Saves:
    """One visitor's bio saves, each waiting for its chain on the visitor's own stream.

    A save waits from before it is sent: on a busy client the stream may deliver the chain before
    the response is read. Chains arrive in the order of the saves; a delay counts from the response.
    """

    def __init__(self) -> None:
        self.all: list[Save] = []
        self.waiting: deque[Save] = deque()

    def save(self, client: requests.Session, url: str, **options: str) -> None:
        """Save the bio as the page's htmx form does."""
        save = Save()
        self.all.append(save)
        self.waiting.append(save)
        bio = {"bio": f"Bio {len(self.all)}"}
        if client.post(url, bio, headers=htmx(client), **options).status_code == 200:
            save.answered = time.monotonic()

    def arrived(self, html: str) -> None:
        if "/profile/bio/" in html and self.waiting:
            self.waiting.popleft().arrived = time.monotonic()

    @property
    def made(self) -> list[Save]:
        return [save for save in self.all if save.answered is not None]

    @property
    def delays(self) -> list[float]:
        return [max(s.arrived - s.answered, 0.0) for s in self.made if s.arrived is not None]


@dataclass
class Tally:
    """What the load's own checks saw, beside Locust's request statistics."""

    ready: int = 0  # users done with their set-up (signup, first page, stream opened)
    visitors: list[Saves] = field(default_factory=list)
    streams: dict[int, bool] = field(default_factory=dict)  # stream number -> still open
    stream_ids: Iterator[int] = field(default_factory=itertools.count)

    def opened(self) -> int:
        number = next(self.stream_ids)
        self.streams[number] = True
        return number


tally = Tally()


def csrf(client: requests.Session) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies.get("csrftoken", "")}


def htmx(client: requests.Session) -> dict[str, str]:
    """The headers of the page's own htmx posts: CSRF token and HX-Request."""
    return {**csrf(client), "HX-Request": "true"}


def sign_up(client: requests.Session, base: str) -> str:
    """Sign up as a new person; their email."""
    client.get(f"{base}/accounts/signup/")
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    client.post(f"{base}/accounts/signup/", data, headers=csrf(client))
    return email


def topics(client: requests.Session, base: str) -> list[str]:
    """The ids of the topics the profile page offers."""
    return re.findall(r'name="interests" value="(\d+)"', client.get(f"{base}/profile/").text)


def log_out(client: requests.Session, base: str, **options: str) -> None:
    client.post(f"{base}/accounts/logout/", headers=csrf(client), **options)


def log_in(client: requests.Session, base: str, email: str, password: str, **options: str) -> None:
    data = {"login": email, "password": password}
    client.post(f"{base}/accounts/login/", data, headers=csrf(client), **options)


def upload_avatar(client: requests.Session, base: str, **options: str) -> None:
    files = {"avatar": ("me.jpg", AVATAR, "image/jpeg")}
    client.post(f"{base}/profile/avatar/", files=files, headers=htmx(client), **options)


def choose_interest(client: requests.Session, base: str, topic: str, **options: str) -> None:
    client.post(f"{base}/profile/interests/", {"interests": topic}, headers=htmx(client), **options)


def mid_walkthrough(base: str) -> requests.Session:
    """A learner halfway through the walkthrough with a full feed: signed up, logged out, failed a
    login, logged in, an avatar and an interest, then HISTORY_SAVES bio saves."""
    client = requests.Session()
    email = sign_up(client, base)
    log_out(client, base)
    log_in(client, base, email, "wrong")
    log_in(client, base, email, PASSWORD)
    upload_avatar(client, base)
    choose_interest(client, base, topics(client, base)[0])
    saves = Saves()
    for _ in range(HISTORY_SAVES):
        saves.save(client, f"{base}/profile/bio/")
    return client


def listen(client: requests.Session, stream_url: str, on_chain=None) -> None:
    """Hold a browser's stream open, counted in `tally`; call `on_chain(html)` for each chain."""
    number = tally.opened()
    try:
        response = client.get(stream_url, stream=True, timeout=None)
        if response.status_code != 200:
            return
        data: list[str] = []
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("data: "):
                data.append(line[6:])
            elif not line and data:
                if on_chain is not None:
                    on_chain("\n".join(data))
                data = []
    except requests.RequestException:
        pass
    finally:
        tally.streams[number] = False


class ClickThrough(SequentialTaskSet):
    """A learner's round after the walkthrough: home, profile, a bio save, the playground."""

    wait_time = between(0.5, 2)

    @task
    def home(self) -> None:
        self.client.get("/", name="home")

    @task
    def profile(self) -> None:
        self.client.get("/profile/", name="profile")

    @task
    def save_bio(self) -> None:
        self.user.saves.save(self.client, "/profile/bio/", name="bio save")

    @task
    def playground(self) -> None:
        self.client.get("/playground/", name="playground")

    @task
    def operation(self) -> None:
        """The custom signal: a person's one operation a round, and no rows left behind."""
        self.client.post("/playground/custom/", headers=htmx(self.client), name="playground op")


class Learner(HttpUser):
    """One of the V learners: signs up, opens its stream, follows the walkthrough, clicks on.

    The walkthrough is set-up, as signups are: its logins hash a password each (PBKDF2, about a
    second of CPU on a busy machine), which a room does once, all at the start.
    """

    tasks = [ClickThrough]

    def on_start(self) -> None:
        self.saves = Saves()
        tally.visitors.append(self.saves)
        email = sign_up(self.client, self.host)
        gevent.spawn(listen, self.client, f"{self.host}/feed/stream/", self.saves.arrived)
        for step in (
            lambda: self.client.get("/", name="home"),
            lambda: log_out(self.client, "", name="log out"),
            lambda: log_in(self.client, "", email, "wrong", name="failed login"),
            lambda: log_in(self.client, "", email, PASSWORD, name="log in"),
            lambda: upload_avatar(self.client, "", name="avatar upload"),
            lambda: choose_interest(self.client, "", topics(self.client, "")[0], name="interests"),
        ):
            gevent.sleep(random.uniform(0.5, 2))
            step()
        tally.ready += 1


class IdleStream(HttpUser):
    """One of the S clients: loads a page, then only holds its stream."""

    wait_time = between(3600, 3600)

    def on_start(self) -> None:
        self.client.get("/", name="idle page")
        gevent.spawn(listen, self.client, f"{self.host}/feed/stream/")
        tally.ready += 1

    @task
    def idle(self) -> None:
        """Locust needs a task; the stream's greenlet does the work."""


def server_warnings(server: Server) -> None:
    """What the feed logged (drops, failed writes) and each traceback's exception, if anything."""
    lines = (server.state / "uvicorn.log").read_text().splitlines()
    noted = [line for line in lines if line.startswith("signal_lens:")]
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and not line.startswith(" "):
            noted.append(line)
            in_traceback = False
    for line in dict.fromkeys(noted):
        print(f"  the server logged ({noted.count(line)} times): {line[:200]}")


def url(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


def one_at_a_time(server: Server, rounds: int) -> None:
    """A learner's home page against the 404 page: server CPU and wall time, and the weights.

    Pages alternate in blocks of BLOCK requests, so CPU (counted in 10 ms ticks) is read per block.
    """
    base = url(server)
    client = mid_walkthrough(base)
    pages = {"home": "/", "404": "/no-such-page/"}
    cpu = dict.fromkeys(pages, 0.0)
    wall: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(max(rounds // BLOCK, 1)):
        for name, path in pages.items():
            before_cpu = server.cpu_seconds()
            for _ in range(BLOCK):
                before = time.perf_counter()
                client.get(f"{base}{path}")
                wall[name].append(time.perf_counter() - before)
            time.sleep(0.05)  # The feed's write after the last response counts for its block.
            cpu[name] += server.cpu_seconds() - before_cpu
    count = max(rounds // BLOCK, 1) * BLOCK
    for name in pages:
        print(
            f"  {name:5} server CPU {cpu[name] / count * 1000:6.2f} ms/request,"
            f" wall p50 {statistics.median(wall[name]) * 1000:6.2f} ms"
        )
    print(
        f"  home / 404: CPU {cpu['home'] / cpu['404']:.2f}x,"
        f" wall {statistics.median(wall['home']) / statistics.median(wall['404']):.2f}x"
        " (target ≤ 1.5x, moonshot 1.2x)"
    )
    weights = {"home": "/", "404": "/no-such-page/", f"history ({HISTORY_SAVES} saves)": "/feed/"}
    for name, path in weights.items():
        print(f"  {name} weighs {len(client.get(f'{base}{path}').content) / 1000:.1f} KB")


def ask_until(base: str, path: str, cookies, stop: float) -> int:
    """Ask for one page, without pauses, until `stop`: how many answers came."""
    client = requests.Session()
    client.cookies.update(cookies)
    answered = 0
    while time.monotonic() < stop:
        answered += client.get(f"{base}{path}").status_code in (200, 404)
    return answered


def saturation(server: Server, seconds: float) -> None:
    """Page views/s of the learner's home page, then of the 404, with clients that never pause."""
    base = url(server)
    learner = mid_walkthrough(base)
    rates = {}
    for name, path in {"home": "/", "404": "/no-such-page/"}.items():
        stop = time.monotonic() + seconds
        clients = [
            gevent.spawn(ask_until, base, path, learner.cookies, stop)
            for _ in range(SATURATION_CLIENTS)
        ]
        gevent.joinall(clients)
        rates[name] = sum(client.value for client in clients) / seconds
        print(f"  {name:5} {rates[name]:6.1f} page views/s ({SATURATION_CLIENTS} clients)")
    print(f"  home / 404: {rates['home'] / rates['404']:.2f} of the 404's rate")


def classroom(server: Server, visitors: int, streams: int, seconds: float) -> None:
    Learner.fixed_count, IdleStream.fixed_count = visitors, streams
    env = Environment(user_classes=[Learner, IdleStream], host=url(server))
    env.create_local_runner().start(visitors + streams, spawn_rate=SPAWN_RATE)
    # Signups and first page loads are the set-up: figures count from when everyone is there.
    while tally.ready < visitors + streams:
        gevent.sleep(0.5)
    gevent.sleep(RAMP_SECONDS)
    print(
        f"  set-up: {env.stats.total.num_requests} requests, {env.stats.total.num_failures} errors"
    )
    env.stats.reset_all()
    cpu_before = server.cpu_seconds()
    gevent.sleep(seconds)
    env.runner.stop()
    cpu = server.cpu_seconds() - cpu_before
    gevent.sleep(SETTLE_SECONDS)
    stats = env.stats
    page_requests = sum(stats.get(name, method).num_requests for name, method in page_keys(stats))
    print(f"  {stats.total.num_requests} requests, {stats.total.total_rps:.1f}/s in all")
    for name, method in page_keys(stats):
        entry = stats.get(name, method)
        print(
            f"  {name:14} {entry.num_requests:6} requests,"
            f" p50 {entry.median_response_time:5.0f} ms,"
            f" p99 {entry.get_response_time_percentile(0.99):5.0f} ms, errors {entry.num_failures}"
        )
    alive = sum(tally.streams.values())
    made = sum(len(saves.made) for saves in tally.visitors)
    delays = [delay for saves in tally.visitors for delay in saves.delays]
    lost = made - len(delays)
    print(f"  errors {stats.total.num_failures}, chains lost {lost} of {made} bio saves")
    print(f"  streams alive {alive} of {visitors + streams} (opened {len(tally.streams)})")
    if delays:
        print(
            f"  bio save → own stream: p50 {statistics.median(delays) * 1000:.0f} ms,"
            f" max {max(delays) * 1000:.0f} ms"
        )
    print(f"  server CPU {cpu / max(page_requests, 1) * 1000:.2f} ms per page request")
    for error in env.stats.errors.values():
        print(f"    {error.occurrences} times {error.method} {error.name}: {error.error}")
    env.runner.quit()


def page_keys(stats) -> list[tuple[str, str]]:
    """Locust's entries of page views: every request but the long-lived streams."""
    streams = "/feed/stream/"
    return sorted(
        key for key, entry in stats.entries.items() if key[0] != streams and entry.num_requests
    )


def flood(server: Server, seconds: float) -> None:
    """Another visitor's bio saves under one visitor's flood and cookie-less posts."""
    base = url(server)
    victim = requests.Session()
    sign_up(victim, base)
    saves = Saves()
    victim_stream = gevent.spawn(listen, victim, f"{base}/feed/stream/", saves.arrived)
    flooder = requests.Session()
    flooder.get(f"{base}/playground/")
    refused = [0]

    def hold_flood_stream() -> None:
        """As a browser's EventSource: reconnect after a stream ends, give up on a refusal."""
        while time.monotonic() < stop:
            response = flooder.get(f"{base}/feed/stream/", stream=True, timeout=None)
            if response.status_code == 429:
                refused[0] += 1
                return
            for _ in response.iter_lines():
                pass
            gevent.sleep(2)

    stop = time.monotonic() + seconds
    holders = [gevent.spawn(hold_flood_stream) for _ in range(30)]
    answers: dict[int, int] = {}

    def post_loop(session: requests.Session, keep_cookies: bool) -> None:
        token = session.cookies.get("csrftoken", "")
        while time.monotonic() < stop:
            if not keep_cookies:
                session.cookies.clear()
                session.cookies.set("csrftoken", token)
            status = session.post(
                f"{base}/playground/custom/", headers={"X-CSRFToken": token}
            ).status_code
            answers[status] = answers.get(status, 0) + 1

    cookieless = [requests.Session() for _ in range(2)]
    for session in cookieless:
        session.get(f"{base}/accounts/login/")
    loops = [gevent.spawn(post_loop, flooder, True)]
    loops += [gevent.spawn(post_loop, session, False) for session in cookieless]
    while time.monotonic() < stop:
        saves.save(victim, f"{base}/profile/bio/")
        gevent.sleep(1)
    gevent.joinall(loops)
    gevent.sleep(SETTLE_SECONDS)
    gevent.killall([*holders, victim_stream])
    kept = chains_kept(victim, base)
    print(
        f"  flood answers by status: {dict(sorted(answers.items()))}; refused streams {refused[0]}"
    )
    if saves.delays:
        print(
            f"  victim's bio saves on its stream: {len(saves.delays)} of {len(saves.made)},"
            f" delay p50 {statistics.median(saves.delays) * 1000:.0f} ms,"
            f" max {max(saves.delays) * 1000:.0f} ms (target ≤ 2000 ms)"
        )
    expected = (
        len(saves.all) + 3
    )  # The signup page, the signup, the profile it leads to, the saves.
    print(f"  victim's chains still in its feed: {kept} of {expected}")


def chains_kept(client: requests.Session, base: str) -> int:
    """How many of its chains the visitor's feed still holds, paging the poll from the start."""
    after, kept = 0, 0
    while True:
        html = client.get(f"{base}/feed/poll/?after={after}").text
        ids = [int(found) for found in re.findall(r'data-last-id="(\d+)"', html)]
        if not ids:
            return kept
        kept += len(ids)
        after = max(ids)


@contextmanager
def postgres_and_redis() -> Iterator[str]:
    """A throwaway database and a Redis key prefix of this run's own; the settings using them."""
    run = uuid.uuid4().hex[:8]
    name, prefix = f"signal_lab_load_{run}", f"signal-lab-load-{run}"
    admin = os.environ.get("DJANGO_BENCH_POSTGRES", "postgresql://root@127.0.0.1:5432/test")
    cache = os.environ.get("DJANGO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DJANGO_DATABASE_URL"] = admin.rsplit("/", 1)[0] + f"/{name}"
    os.environ["DJANGO_REDIS_URL"] = cache
    try:
        yield f'CACHES["default"]["KEY_PREFIX"] = "{prefix}"\n'
    finally:
        del os.environ["DJANGO_DATABASE_URL"], os.environ["DJANGO_REDIS_URL"]
        store = redis.Redis.from_url(cache)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--flood-seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=100, help="one-at-a-time requests per page")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis, not SQLite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--saturation-seconds", type=float, default=10)
    parser.add_argument(
        "--parts", default="pages,classroom,flood,saturation", help="which parts to run"
    )
    args = parser.parse_args()
    options = ("--workers", str(args.workers), "--limit-concurrency", "2000")
    database = "PostgreSQL + Redis" if args.postgres else "SQLite"
    print(f"{machine()}\n{database}, {args.workers} uvicorn worker(s)")
    parts = args.parts.split(",")

    @contextmanager
    def fresh_server(settings: str = "") -> Iterator[Server]:
        """Each part starts on an empty database (and Redis prefix) of its own."""
        with (
            postgres_and_redis() if args.postgres else nullcontext("") as extra,
            serve(settings=extra + ROOM_LIMITS + settings, options=options) as server,
        ):
            yield server

    if "pages" in parts:
        with fresh_server() as server:
            print("One request at a time:")
            one_at_a_time(server, args.rounds)
    if "classroom" in parts:
        with fresh_server() as server:
            print(f"Classroom: V={args.visitors}, S={args.streams}, T={args.seconds:.0f} s:")
            classroom(server, args.visitors, args.streams, args.seconds)
            server_warnings(server)
    if "flood" in parts:
        with fresh_server(FLOOD_TABLE) as server:
            table = "FEED_MAX_EVENTS 1000, FEED_VISITOR_EVENTS 400"
            print(f"Flood for {args.flood_seconds:.0f} s ({table}):")
            flood(server, args.flood_seconds)
            server_warnings(server)
    if "saturation" in parts:
        with fresh_server() as server:
            print(f"Saturation, {args.saturation_seconds:.0f} s per page:")
            saturation(server, args.saturation_seconds)


if __name__ == "__main__":
    main()
