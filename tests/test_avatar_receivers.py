import json

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.db.models.signals import post_save

from profiles import receivers
from profiles.forms import AvatarForm
from profiles.models import Profile
from profiles.signals import avatar_processed
from tests import images

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(user) -> Profile:
    return Profile.objects.get(user=user)


@pytest.fixture
def sent() -> list[dict]:
    """Every avatar_processed signal sent during the test, with its arguments."""
    calls: list[dict] = []

    def listen(**kwargs) -> None:
        calls.append(kwargs)

    avatar_processed.connect(listen, weak=False, dispatch_uid="tests.sent")
    yield calls
    avatar_processed.disconnect(dispatch_uid="tests.sent")


def give_avatar(profile: Profile, data: bytes | None = None) -> Profile:
    profile.avatar = SimpleUploadedFile("me.jpg", data or images.jpeg((3000, 2000)))
    profile.save()
    return profile


def exists(profile_or_name) -> bool:
    name = getattr(profile_or_name, "avatar", profile_or_name)
    return Profile._meta.get_field("avatar").storage.exists(str(name))


def test_saving_a_new_upload_stores_the_processed_avatar(profile):
    give_avatar(profile)
    assert profile.avatar.width == profile.avatar.height == 256


def test_the_stored_name_is_generated(profile):
    give_avatar(profile)
    assert profile.avatar.name.startswith("avatars/") and "me" not in profile.avatar.name


def test_signal_carries_before_and_after_sizes(profile, sent):
    give_avatar(profile)
    assert (sent[0]["source_size"], sent[0]["size"]) == ((3000, 2000), (256, 256))


def test_signal_carries_byte_sizes_and_time(profile, sent):
    data = images.jpeg((3000, 2000))
    give_avatar(profile, data)
    assert (sent[0]["source_bytes"], sent[0]["output_bytes"]) == (len(data), profile.avatar.size)
    assert sent[0]["seconds"] > 0


def test_signal_names_its_sender_and_profile(profile, sent):
    give_avatar(profile)
    assert (sent[0]["sender"], sent[0]["instance"]) == (Profile, profile)


def test_signal_is_sent_before_the_row_is_written(profile):
    order: list[str] = []

    def record(signal, **kwargs) -> None:
        order.append("post_save" if signal is post_save else "avatar_processed")

    avatar_processed.connect(record, sender=Profile)
    post_save.connect(record, sender=Profile)
    try:
        give_avatar(profile)
    finally:
        avatar_processed.disconnect(record, sender=Profile)
        post_save.disconnect(record, sender=Profile)
    assert order == ["avatar_processed", "post_save"]


def test_other_saves_do_not_process_again(profile, sent):
    give_avatar(profile)
    name = profile.avatar.name
    profile.bio = "Hello"
    profile.save()
    assert (len(sent), profile.avatar.name) == (1, name)


def test_login_updates_do_not_process(client, user, password, sent):
    give_avatar(Profile.objects.get(user=user))
    client.login(username="alice", password=password)
    assert len(sent) == 1


def test_saves_whose_update_fields_leave_out_the_avatar_skip_it(profile, sent):
    profile.avatar = SimpleUploadedFile("me.jpg", images.jpeg())
    profile.save(update_fields=["bio"])
    assert sent == []


def test_raw_saves_are_skipped(profile, sent):
    profile.avatar = SimpleUploadedFile("me.jpg", images.jpeg())
    receivers.resize_avatar(sender=Profile, instance=profile, raw=True)
    assert sent == [] and profile.avatar.name == "me.jpg"


def test_fixture_loading_keeps_the_named_file(profile, sent):
    fields = {"user": profile.user_id, "avatar": "avatars/x.webp"}
    fields["created_at"] = fields["updated_at"] = "2026-01-01T00:00:00Z"
    fixture = [{"model": "profiles.profile", "pk": profile.pk, "fields": fields}]
    for obj in serializers.deserialize("json", json.dumps(fixture)):
        obj.save()
    assert sent == [] and Profile.objects.get(pk=profile.pk).avatar.name == "avatars/x.webp"


def test_a_refused_file_raises_before_anything_is_stored(profile, media_root):
    with pytest.raises(receivers.avatars.DamagedImage):
        give_avatar(profile, images.truncated_jpeg())
    assert not media_root.exists() or not any(media_root.rglob("*.webp"))


def upload(profile: Profile) -> Profile:
    """Replace the profile's avatar as the site does: through the upload form."""
    form = AvatarForm(files={"avatar": SimpleUploadedFile("me.jpg", images.jpeg((3000, 2000)))})
    assert form.is_valid() and form.save(profile)
    return profile


def test_replaced_file_is_kept_until_the_save_commits(profile, django_capture_on_commit_callbacks):
    old = upload(profile).avatar.name
    with django_capture_on_commit_callbacks(execute=False):
        upload(profile)
    assert exists(old)


def test_replaced_file_is_deleted_once_the_save_commits(
    profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = upload(profile).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        upload(profile)
    assert not exists(old) and exists(profile)


def test_replaced_file_survives_a_rolled_back_save(profile, django_capture_on_commit_callbacks):
    old = upload(profile).avatar.name
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        upload(profile)
        transaction.set_rollback(True)
    assert exists(old)


def test_deleting_the_profile_deletes_its_file_once_committed(
    profile, user, django_capture_on_commit_callbacks
):
    name = give_avatar(profile).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not exists(name)


def test_deleting_the_profile_keeps_the_file_until_committed(
    profile, user, django_capture_on_commit_callbacks
):
    name = give_avatar(profile).avatar.name
    with django_capture_on_commit_callbacks(execute=False):
        user.delete()
    assert exists(name)


def test_a_failed_save_leaves_no_orphan_file(profile, media_root):
    form = AvatarForm({}, {"avatar": SimpleUploadedFile("me.jpg", images.jpeg())})
    assert form.is_valid()
    # The account went away while the file uploaded: the row's UPDATE matches nothing.
    Profile.objects.filter(pk=profile.pk).delete()
    with pytest.raises(DatabaseError):
        form.save(profile)
    assert not any(media_root.rglob("*.webp"))
