"""Every endpoint, sent what no form would send: odd charsets, NUL, huge and empty bodies, the
wrong method, no CSRF token; as a stranger and signed in. No answer may be a 5xx, and what no
browser form could send is refused with a 4xx."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from playground.operations import OPERATIONS
from signal_lens.models import Event
from signal_lens.store import writer
from tests import images
from tests.helpers import feed_visitor
from tests.hostile.urls import site_paths

# Events are read back for real ids: they are written only once a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

FORM = "application/x-www-form-urlencoded"
# A field for each form of the site, so each view gets as far as its form.
FIELDS = ["email", "login", "password", "password1", "password2", "bio", "interests", "next"]
FILLED = "&".join(f"{name}=a" for name in FIELDS) + "&show=1&everyone=1"
WITH_NUL = "&".join(f"{name}=a%00b" for name in FIELDS)
ODD_QUERY = "?" + "&".join(
    f"{name}={quote(value)}"
    for name, value in [
        ("before", "-1"), ("after", "\uff11\uff12"), ("next", "0"), ("sort", "x"),
        ("order", "NaN"), ("name", "x y"), ("scope", "all"), ("page", "9" * 400),
    ]
)  # fmt: skip
NUL_QUERY = "?before=%00&name=x%00y&%00=1"

# name: (method, body or query, content type, send the CSRF token, only a 4xx is right)
# Decided: an empty body is allowed. The site's buttons (logout, the playground's) and htmx POSTs,
# which carry the CSRF token in a header, send one; a form view answers an empty form with its own
# errors (200), as a person submitting it empty sees.
REQUESTS = {
    "utf-16 form": ("POST", FILLED.encode("utf-16"), f"{FORM}; charset=utf-16", True, True),
    "utf-32 form": ("POST", FILLED.encode("utf-32"), f"{FORM}; charset=utf-32", True, True),
    "unknown charset": ("POST", FILLED.encode(), f"{FORM}; charset=x-none", True, True),
    "utf-16 text": ("POST", "ab".encode("utf-16"), "text/plain; charset=utf-16", True, True),
    "NUL in every field": ("POST", WITH_NUL.encode(), FORM, True, True),
    "NUL bytes": ("POST", b"\0" * 64, FORM, True, True),
    "NUL multipart": ("POST", b"--\0\r\n\0", "multipart/form-data; boundary=\0", True, True),
    "empty text": ("POST", b"", "text/plain", True, False),
    "empty form": ("POST", b"", FORM, True, False),
    # Past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
    "huge form": ("POST", b"bio=" + b"x" * 3_000_000, FORM, True, True),
    "no CSRF token": ("POST", FILLED.encode(), FORM, False, True),
    "PUT": ("PUT", FILLED.encode(), FORM, True, True),
    "PATCH": ("PATCH", FILLED.encode(), FORM, True, True),
    "DELETE": ("DELETE", b"", FORM, True, True),
    "NUL in the query": ("GET", NUL_QUERY, "", True, True),
    # Filters a page does not know, or cannot read, are ignored: the page is served.
    "odd query": ("GET", ODD_QUERY, "", True, False),
}


def signed_in(client: Client, password: str) -> dict[str, str]:
    """Sign the client up with an avatar and a feed; the ids its URLs take."""
    client.get("/accounts/signup/")
    form = {"email": "hostile@example.com", "password1": password, "password2": password}
    client.post("/accounts/signup/", form, headers=token(client))
    avatar = SimpleUploadedFile("a.png", images.png(), content_type="image/png")
    client.post("/profile/avatar/", {"avatar": avatar}, headers=token(client))
    writer.flush()
    visitor = feed_visitor(client)
    profile = client.get("/profile/").context["profile"]
    return {
        "chain_id": str(Event.objects.filter(visitor=visitor).values_list("chain", flat=True)[0]),
        "path": profile.avatar.name,
        "object_id": str(profile.user_id),
        "slug": next(iter(OPERATIONS)),
    }


def token(client: Client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def in_order(paths: list[str]) -> list[str]:
    """Logging out or deleting the account last, so the rest are sent signed in."""
    last = ("/accounts/logout/", "/profile/delete/")
    return [path for path in paths if path not in last] + list(last)


@pytest.fixture(params=["stranger", "signed in"])
def visitor(request, password) -> tuple[Client, dict[str, str]]:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # The CSRF cookie, which the token sent must match.
    ids = signed_in(client, password) if request.param == "signed in" else {}
    return client, ids


@pytest.mark.parametrize("kind", REQUESTS)
def test_no_request_gets_a_server_error(visitor, kind):
    client, ids = visitor
    method, body, content_type, with_token, refused = REQUESTS[kind]
    headers = token(client) if with_token else {}
    wrong = {}
    for path in in_order(site_paths(ids)):
        if method == "GET":
            response = client.get(path + body)
        else:
            # generic() sends the bytes as they are: post() would re-encode them to the charset.
            response = client.generic(method, path, body, content_type, headers=headers)
        status = response.status_code
        if status >= 500 or (refused and not 400 <= status < 500):
            wrong[path] = status
    assert wrong == {}
