"""The inputs that once reached a 500, one by one."""

import pytest

pytestmark = pytest.mark.django_db


# Fullwidth digits too: none of these is a path.
NOT_PATHS = ["0", "true", "NaN", "\uff11\uff12", "feed", "//evil.example/", "https://evil.example/"]


@pytest.mark.parametrize("back", NOT_PATHS)
def test_the_internals_switch_sends_anything_but_a_path_to_the_feed(client, back):
    response = client.post("/feed/internals/", {"show": "1", "next": back})
    assert response.status_code == 302 and response.headers["Location"] == "/feed/"


def test_the_internals_switch_goes_back_to_the_page_it_was_on(client):
    response = client.post("/feed/internals/", {"show": "1", "next": "/playground/?a=1"})
    assert response.headers["Location"] == "/playground/?a=1"


def test_a_media_name_too_long_for_the_file_system_is_not_found(client):
    assert client.get("/media/" + "a" * 5000).status_code == 404


def test_a_media_name_with_a_nul_is_not_found(client):
    assert client.get("/media/avatars/a%00b.webp").status_code == 404


def test_an_empty_body_past_the_delete_pages_limit_is_told_to_wait(client, user):
    client.force_login(user)
    for _ in range(12):
        client.post("/profile/delete/", {"password": "wrong"})
    response = client.post("/profile/delete/", b"", content_type="text/plain")
    assert response.status_code == 200 and b"Too many attempts" in response.content
