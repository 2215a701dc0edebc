import pytest
from django.db.models.signals import m2m_changed

from profiles.models import Profile, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def m2m_actions():
    """The (action, pk_set) of every m2m_changed sent while the test runs."""
    seen: list[tuple[str, set[int] | None]] = []

    def remember(action, pk_set, **kwargs):
        seen.append((action, pk_set))

    m2m_changed.connect(remember, sender=Profile.interests.through, dispatch_uid="test.m2m")
    yield seen
    m2m_changed.disconnect(dispatch_uid="test.m2m", sender=Profile.interests.through)


def topic_pks(*slugs: str) -> list[int]:
    return [Topic.objects.get(slug=slug).pk for slug in slugs]


def test_topics_are_seeded():
    assert Topic.objects.filter(slug__in=["models", "signals", "htmx"]).count() == 3


def test_ticking_a_topic_adds_it(client, user):
    client.force_login(user)
    client.post("/profile/interests/", {"interests": topic_pks("signals")})
    assert list(user.profile.interests.values_list("slug", flat=True)) == ["signals"]


def test_change_sends_add_and_remove_with_only_the_changed_pks(client, user, m2m_actions):
    client.force_login(user)
    client.post("/profile/interests/", {"interests": topic_pks("signals", "htmx")})
    m2m_actions.clear()
    client.post("/profile/interests/", {"interests": topic_pks("htmx", "models")})
    assert m2m_actions == [
        ("pre_remove", set(topic_pks("signals"))),
        ("post_remove", set(topic_pks("signals"))),
        ("pre_add", set(topic_pks("models"))),
        ("post_add", set(topic_pks("models"))),
    ]


def test_clear_sends_clear_actions(client, user, m2m_actions):
    client.force_login(user)
    client.post("/profile/interests/", {"interests": topic_pks("signals")})
    m2m_actions.clear()
    client.post("/profile/interests/", {"clear": "1"})
    assert m2m_actions == [("pre_clear", None), ("post_clear", None)]
    assert not user.profile.interests.exists()


def test_htmx_change_returns_only_the_interests_partial(client, user):
    client.force_login(user)
    response = client.post(
        "/profile/interests/", {"interests": topic_pks("signals")}, headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith('<form id="interests-form"')


def test_unknown_topic_is_rejected(client, user):
    client.force_login(user)
    client.post("/profile/interests/", {"interests": [999_999]})
    assert not user.profile.interests.exists()


def test_changing_interests_stamps_the_profile(client, user):
    before = Profile.objects.get(user=user).updated_at
    client.force_login(user)
    client.post("/profile/interests/", {"interests": topic_pks("signals")})
    assert Profile.objects.get(user=user).updated_at > before


def test_adding_from_the_topic_side_stamps_the_profile(user):
    before = Profile.objects.get(user=user).updated_at
    Topic.objects.get(slug="htmx").profiles.add(user.profile)
    assert Profile.objects.get(user=user).updated_at > before
