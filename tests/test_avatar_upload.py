import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from profiles import avatars
from profiles.models import Profile
from tests import images

pytestmark = pytest.mark.django_db


def upload(client: Client, data: bytes, name: str = "photo.jpg", htmx: bool = True):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/profile/avatar/", {"avatar": file}, headers=headers)


def stored_files(media_root) -> list[str]:
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def row(user) -> dict:
    return Profile.objects.filter(user=user).values().get()


@pytest.fixture
def member(client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def avatar_already(member, user) -> Profile:
    upload(member, images.jpeg(color=images.BLUE))
    return Profile.objects.get(user=user)


def noisy_jpeg(size: tuple[int, int]) -> bytes:
    """Random pixels barely compress: a file big enough to be streamed to a temporary file."""
    return images.encode(Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)), "JPEG")


GOOD = [
    pytest.param("photo.jpg", lambda: images.jpeg((1200, 900)), id="jpeg"),
    pytest.param("rotated.jpg", images.rotated_jpeg_with_gps, id="exif-rotated-gps"),
    pytest.param("print.jpg", images.cmyk_jpeg, id="cmyk-jpeg"),
    pytest.param("scan.png", images.grey16_png, id="16-bit-grey-png"),
    pytest.param("deep.png", images.rgb16_png, id="16-bit-rgb-png"),
    pytest.param("logo.png", images.half_transparent_png, id="png-alpha"),
    pytest.param("icon.png", images.palette_png_with_transparency, id="palette-png"),
    pytest.param("wave.gif", images.animated_gif, id="animated-gif"),
    pytest.param("polyglot.png", images.html_behind_png, id="html-behind-png"),
    pytest.param("strip.png", images.strip, id="1x30000-strip"),
    pytest.param("big.jpg", lambda: noisy_jpeg((1200, 1000)), id="jpeg-streamed-to-disk"),
]

BAD = [
    pytest.param(
        "notes.jpg", lambda: b"just some text\n", "This file is not an image", id="text-as-jpg"
    ),
    pytest.param("drawing.svg", images.svg, "SVG images are not accepted", id="svg"),
    pytest.param("photo.heic", lambda: b"\0\0\0\x18ftypheic" + bytes(64), "HEIC images", id="heic"),
    pytest.param("empty.jpg", lambda: b"", "This file is empty", id="empty"),
    pytest.param("cut.jpg", images.truncated_jpeg, "damaged or incomplete", id="truncated-jpeg"),
    pytest.param("bomb.png", images.png_bomb, "over 40 megapixels", id="13000x13000-png"),
    pytest.param(
        "huge.jpg", lambda: images.jpeg() + bytes(avatars.MAX_BYTES), "over 10 MB", id="over-10-mb"
    ),
]


@pytest.mark.parametrize(("name", "make"), GOOD)
def test_good_file_becomes_a_256_pixel_webp_avatar(member, user, name, make):
    upload(member, make(), name)
    with Profile.objects.get(user=user).avatar.open() as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert (image.format, image.size) == ("WEBP", (256, 256))


@pytest.mark.parametrize(("name", "make", "message"), BAD)
def test_bad_file_gets_its_form_error(member, name, make, message):
    response = upload(member, make(), name)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(("name", "make", "message"), BAD)
def test_bad_file_leaves_profile_and_media_as_they_were(
    member, user, avatar_already, media_root, name, make, message
):
    before = (row(user), stored_files(media_root))
    upload(member, make(), name)
    assert (row(user), stored_files(media_root)) == before


def test_avatar_is_stored_under_a_generated_name(member, user):
    upload(member, images.jpeg(), "../../My Holiday <script>.jpg")
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.webp", Profile.objects.get(user=user).avatar.name)


def test_missing_file_asks_for_one(member):
    response = member.post("/profile/avatar/", {}, headers={"HX-Request": "true"})
    assert "Choose a JPEG, PNG, WebP or GIF image to upload." in response.content.decode()


def test_htmx_upload_returns_the_form_partial(member):
    response = upload(member, images.jpeg())
    assert response.content.decode().lstrip().startswith('<form id="avatar-form"')
    assert b"Avatar updated." in response.content


def test_htmx_upload_swaps_the_header_avatar_out_of_band(member, user):
    response = upload(member, images.jpeg())
    url = Profile.objects.get(user=user).avatar.url
    header_avatar = re.search(rb'<img id="header-avatar"[^>]*>', response.content).group()
    assert b'hx-swap-oob="true"' in header_avatar and url.encode() in header_avatar


def test_refused_htmx_upload_leaves_the_header_alone(member):
    response = upload(member, b"just some text\n")
    assert b'id="header-avatar"' not in response.content


def test_upload_without_htmx_redirects_to_the_profile(member):
    response = upload(member, images.jpeg(), htmx=False)
    assert response.headers["Location"] == "/profile/"


def test_refused_upload_without_htmx_shows_the_page_with_the_error(member):
    response = upload(member, b"just some text\n", htmx=False)
    assert b"<h1>Your profile</h1>" in response.content
    assert b"This file is not an image" in response.content


def test_profile_page_and_header_show_the_uploaded_avatar(member, user):
    upload(member, images.jpeg())
    url = Profile.objects.get(user=user).avatar.url
    assert member.get("/profile/").content.count(f'src="{url}"'.encode()) == 2


def test_profile_page_shows_the_placeholder_without_an_avatar(member):
    response = member.get("/profile/")
    assert response.content.count(b'src="/static/img/avatar-placeholder.svg"') == 2


def test_upload_requires_login(client):
    response = upload(client, images.jpeg())
    assert response.headers["Location"].startswith("/accounts/login/")


def test_upload_by_get_is_not_allowed(member):
    assert member.get("/profile/avatar/").status_code == 405


def test_upload_requires_csrf_token(user):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert upload(csrf_client, images.jpeg()).status_code == 403


def test_oversized_form_fields_get_bad_request_not_server_error(member, settings):
    # Files do not count towards DATA_UPLOAD_MAX_MEMORY_SIZE; other fields do, and Django
    # answers RequestDataTooBig with 400.
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    file = SimpleUploadedFile("photo.jpg", images.jpeg())
    response = member.post("/profile/avatar/", {"avatar": file, "padding": padding})
    assert response.status_code == 400


def test_admin_shows_the_avatar_without_an_upload_field(admin_client, user):
    response = admin_client.get(f"/admin/profiles/profile/{user.profile.pk}/change/")
    assert response.status_code == 200 and b'type="file"' not in response.content
