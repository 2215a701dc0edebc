"""Two uvicorn workers sharing Redis count failed logins together, as allauth's limits need.

With each process's own local-memory cache, an attacker alternating between workers would get
twice the attempts; here the right password is refused once the shared count is used up.
"""

import os
from collections.abc import Iterator

import pytest

from devtools.servers import migrate, start_uvicorn, stop
from tests.http_client import Browser
from tests.stores import redis_url

EMAIL = "shared@example.com"
# Behind a proxy every worker is asked for one site; allauth keys failed logins by site and address.
SITE = "localhost"
# allauth's default: 5 failed logins per address in 5 minutes, here spread over both workers.
FAILURES = 6


@pytest.fixture(scope="module")
def workers(server_database, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two uvicorn processes sharing the database, the secret key and Redis."""
    state = tmp_path_factory.mktemp("redis-site")
    env = {**os.environ, **server_database, "DJANGO_VAR_DIR": str(state)}
    env |= {"DJANGO_REDIS_URL": redis_url(), "DJANGO_MEDIA_ROOT": str(state / "media")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    servers = [start_uvicorn(env, state / f"worker-{n}.log") for n in range(2)]
    try:
        first, second = (url for url, _, _ in servers)
        Browser(SITE).sign_up(first, EMAIL)
        yield first, second
    finally:
        for _, _, server in servers:
            stop(server)


def test_the_right_password_logs_in_on_either_worker(workers):
    first, second = workers
    assert Browser(SITE).log_in(first, EMAIL, "wrong-password") == "/accounts/login/"
    assert Browser(SITE).log_in(second, EMAIL) == "/profile/"


def test_failed_logins_on_both_workers_add_up_to_one_lockout(workers):
    attacker = Browser(SITE)
    for attempt in range(FAILURES):
        attacker.log_in(workers[attempt % 2], EMAIL, "wrong-password")
    assert Browser(SITE).log_in(workers[1], EMAIL) == "/accounts/login/"
