"""Parallel uploads by one person leave one file: the one the profile points to."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from profiles.models import Profile
from tests import images

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = 8


def upload_at_once(user, count: int) -> list[int]:
    start = threading.Barrier(count)

    def upload(n: int) -> int:
        try:
            client = Client()
            client.force_login(user)
            avatar = SimpleUploadedFile(f"{n}.png", images.png(color=(n, 0, 0)))
            start.wait()
            return client.post("/profile/avatar/", {"avatar": avatar}).status_code
        finally:
            connection.close()  # This thread's own connection.

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(upload, range(count)))


def stored(media_root) -> list[str]:
    return [str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()]


def test_parallel_uploads_leave_only_the_profiles_file(user, media_root):
    assert upload_at_once(user, UPLOADS) == [302] * UPLOADS
    assert stored(media_root) == [Profile.objects.get(user=user).avatar.name]
