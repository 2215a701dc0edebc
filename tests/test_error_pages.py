import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_the_sites_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_form_without_csrf_token_gets_an_explanation(user):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_server_error_page_renders_without_a_request():
    assert "Something went wrong" in render_to_string("500.html")
