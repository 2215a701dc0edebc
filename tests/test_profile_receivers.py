import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core import serializers
from django.db import connection

from profiles.models import Profile

pytestmark = pytest.mark.django_db


def test_create_user_creates_profile(user):
    assert Profile.objects.filter(user=user).count() == 1


def test_create_superuser_creates_profile(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456!")
    assert Profile.objects.filter(user=admin).exists()


def test_signup_creates_profile(client, password):
    client.post(
        "/accounts/signup/",
        {"email": "bob@example.com", "password1": password, "password2": password},
    )
    assert Profile.objects.filter(user__email="bob@example.com").count() == 1


def test_later_saves_do_not_duplicate_profile(user):
    user.first_name = "Alice"
    user.save()
    assert Profile.objects.filter(user=user).count() == 1


def test_raw_save_creates_no_profile():
    data = '[{"model": "auth.user", "pk": 99, "fields": {"username": "fixture", "password": ""}}]'
    for obj in serializers.deserialize("json", data):
        obj.save()
    assert not Profile.objects.filter(user_id=99).exists()


def test_two_logins_count_two_and_keep_previous_time(client, user, password):
    client.login(username="alice", password=password)
    first_login_at = Profile.objects.get(user=user).last_login_at
    client.login(username="alice", password=password)
    profile = Profile.objects.get(user=user)
    assert (profile.login_count, profile.previous_login_at) == (2, first_login_at)
    assert profile.last_login_at > first_login_at


def test_login_creates_missing_profile_for_bulk_created_user(client, password):
    User = get_user_model()
    (created,) = User.objects.bulk_create([User(username="bulk", email="bulk@example.com")])
    created.set_password(password)
    created.save()
    client.login(username="bulk", password=password)
    assert Profile.objects.get(user__username="bulk").login_count == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_logins_are_all_counted(user):
    logins_per_thread, threads = 25, 2
    start = threading.Barrier(threads)

    def log_in_repeatedly():
        start.wait()
        for _ in range(logins_per_thread):
            user_logged_in.send(sender=type(user), request=None, user=user)
        connection.close()

    workers = [threading.Thread(target=log_in_repeatedly) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert Profile.objects.get(user=user).login_count == logins_per_thread * threads
