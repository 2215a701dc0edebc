"""What the site answers to requests no browser form sends: its own 400 page, and a 405 that
names the methods it takes."""

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory
from django.urls import get_resolver

from playground.operations import OPERATIONS

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
POST_ONLY = ["/feed/internals/", "/feed/scope/", "/profile/avatar/", "/profile/bio/"]


def site_400_page() -> bytes:
    handler = get_resolver().resolve_error_handler(400)
    return handler(RequestFactory().get("/"), BadRequest()).content


def test_a_body_in_another_charset_gets_the_sites_400_page(client):
    response = client.post("/profile/bio/", "bio=a", f"{FORM}; charset=utf-16")
    assert response.status_code == 400 and response.content == site_400_page()


def test_a_nul_in_a_field_gets_the_sites_400_page(client):
    response = client.post("/accounts/login/", "login=a%00b", FORM)
    assert response.status_code == 400 and response.content == site_400_page()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_method_no_endpoint_takes_is_told_the_methods_the_site_takes(client, method):
    response = client.generic(method, "/accounts/login/", "login=a", FORM)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS, POST"


@pytest.mark.parametrize("path", [*POST_ONLY, f"/playground/{next(iter(OPERATIONS))}/"])
def test_a_get_on_a_post_only_endpoint_is_told_to_post(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_a_nul_in_the_path_is_still_not_found(client):
    assert client.get("/x%00y").status_code == 404
