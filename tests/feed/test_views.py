"""The feed beside every page, the waterfall, the receivers map and the source viewer."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.html import parse_html

from signal_lens.conf import feed_setting
from signal_lens.models import Event
from tests import images
from tests.feed.rows import chains
from tests.helpers import (
    CREATE_PROFILE_AT,
    FeedClient,
    elements,
    feed_visitor,
    list_items,
    ping,
    text,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(django_user_model) -> FeedClient:
    staff = django_user_model.objects.create_user("staff", "staff@example.com", is_staff=True)
    client = FeedClient()
    client.force_login(staff)
    return client


def signup_chain(client: FeedClient) -> str:
    event = Event.objects.get(visitor=feed_visitor(client), signal="user_signed_up")
    return str(event.chain)


def test_every_page_has_the_feed_with_one_stream(client):
    content = client.get("/").content.decode()
    assert 'id="feed"' in content
    assert content.count("sse-connect=") == 1 and 'hx-ext="sse"' in content


def test_the_feed_shows_the_signup_tree(signed_up):
    content = signed_up.get("/profile/").content.decode()
    assert "POST /accounts/signup/" in content
    assert 'data-signal="post_save"' in content and ">create_profile<" in content
    assert "Profile #" in content


def test_the_feed_lists_the_newest_request_first(signed_up):
    signed_up.post("/profile/bio/", {"bio": "hello"})
    content = signed_up.get("/profile/").content.decode()
    assert content.index("POST /profile/bio/") < content.index("POST /accounts/signup/")


def test_the_panel_beside_a_page_lists_the_newest_requests_and_links_to_the_rest(signed_up):
    for number in range(feed_setting("FEED_PANEL_CHAINS")):
        signed_up.post("/profile/bio/", {"bio": f"Bio {number}"})
    content = signed_up.get("/profile/").content.decode()
    assert len(chains(content)) == feed_setting("FEED_PANEL_CHAINS")
    assert "POST /accounts/signup/" not in content
    assert '<a href="/feed/">All your requests</a>' in content


def test_the_history_page_holds_the_requests_left_off_the_panel(signed_up):
    for number in range(feed_setting("FEED_PANEL_CHAINS")):
        signed_up.post("/profile/bio/", {"bio": f"Bio {number}"})
    assert "POST /accounts/signup/" in signed_up.get("/feed/").content.decode()


def test_the_stream_starts_after_the_newest_chain_shown(signed_up):
    newest = Event.objects.filter(visitor=feed_visitor(signed_up)).order_by("-id").first()
    content = signed_up.get("/profile/").content.decode()
    assert f'sse-connect="/feed/stream/?after={newest.id}"' in content


def test_a_visitor_never_sees_another_visitors_events(signed_up):
    content = FeedClient().get("/").content.decode()
    assert "bob@" not in content and "POST /accounts/signup/" not in content


def test_html_in_a_users_email_shows_as_text(client, internals_shown, django_user_model):
    client.get("/")
    django_user_model.objects.create_user("x", "<b>bold</b>@example.com")
    client.force_login(django_user_model.objects.get(username="x"))
    client.get("/accounts/email/")
    content = client.get("/").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;@…" in content and "<b>bold</b>" not in content


def test_html_in_a_path_shows_as_text(client, internals_shown):
    client.get("/<script>alert(1)</script>/")
    content = client.get("/").content.decode()
    assert "GET /&lt;script&gt;alert(1)&lt;/script&gt;/" in content


def test_the_feed_page_is_the_panel_as_main_content(client):
    content = client.get("/feed/").content.decode()
    assert content.count('id="feed"') == 1 and "<h1>Your requests and their signals</h1>" in content


def test_htmx_gets_only_the_panel(client):
    content = client.get("/feed/", headers={"HX-Request": "true"}).content.decode()
    assert content.lstrip().startswith('<aside id="feed"')


def test_visitors_cannot_switch_to_everyones_events(signed_up):
    assert FeedClient().post("/feed/scope/", {"everyone": "1"}).status_code == 403


def test_staff_can_switch_to_everyones_events(signed_up, staff_client):
    response = staff_client.post("/feed/scope/", {"everyone": "1"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "POST /accounts/signup/" in content and "stream/?after=" in content
    assert "scope=all" in content and "Show only my events" in content


def test_staff_see_commands_and_the_shell_among_everyones_events(staff_client, monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py", "shell"])
    ping.send(sender="shell")
    staff_client.post("/feed/scope/", {"everyone": "1"})
    assert ">manage.py shell</a>" in staff_client.get("/").content.decode()


def test_a_switched_off_feed_says_so(client, settings):
    settings.FEED_ENABLED = False
    content = client.get("/").content.decode()
    assert "The recorder is switched off" in content and "sse-connect" not in content


def test_the_waterfall_draws_a_bar_per_send_and_receiver_that_ran(signed_up):
    content = signed_up.get(f"/feed/requests/{signup_chain(signed_up)}/").content.decode()
    assert "<code>POST /accounts/signup/</code>" in content
    rows = list_items(content, "Signals and receivers on one time scale")
    # A row that ran ends with its time and draws a span over its track; one that did not, neither.
    timed = [text(row).endswith(" ms") for row in rows]
    bars = [sum(each.name == "rect" for each in elements(row)) - 1 for row in rows]
    assert bars == [int(each) for each in timed] and 0 < sum(bars) < len(rows)
    assert "<code>create_profile</code>" in content


def update_timeline(client: FeedClient) -> tuple[str, int]:
    """The timeline of a playground update() and how many events its request recorded."""
    client.post("/playground/save/")
    client.post("/playground/queryset-update/")
    skip = Event.objects.get(visitor=feed_visitor(client), signal="update()")
    content = client.get(f"/feed/requests/{skip.chain}/").content.decode()
    return content, Event.objects.filter(chain=skip.chain).count()


def test_the_waterfall_counts_no_skip_among_its_signals(client):
    content, events = update_timeline(client)
    assert f"{events - 1} signals in " in content


def test_the_waterfall_draws_a_skip_as_no_signal(client):
    content, _ = update_timeline(client)
    rows = list_items(content, "Signals and receivers on one time scale")
    (skip,) = [row for row in rows if "no signal sent" in text(row)]
    label = " ".join(text(skip).split())
    assert label.startswith("update() on playground.SandboxNote no signal sent")
    assert "family-" not in dict(skip.attributes)["class"]


def test_the_waterfall_of_another_visitor_is_not_found(signed_up):
    assert FeedClient().get(f"/feed/requests/{signup_chain(signed_up)}/").status_code == 404


def test_staff_see_any_waterfall_once_switched_to_everyone(signed_up, staff_client):
    staff_client.post("/feed/scope/", {"everyone": "1"})
    assert staff_client.get(f"/feed/requests/{signup_chain(signed_up)}/").status_code == 200


def test_the_receivers_map_lists_ours_djangos_and_allauths(client):
    content = client.get("/feed/receivers/").content.decode()
    assert "profiles.receivers.create_profile" in content and CREATE_PROFILE_AT in content
    assert "<code>profiles.create_profile</code>" in content and "<code>auth.User</code>" in content
    assert "django.contrib.auth.models.update_last_login" in content
    assert "allauth.account.signals" in content


def test_a_receivers_source_opens_on_demand(client):
    response = client.get("/feed/receivers/source/", {"name": "profiles.receivers.create_profile"})
    assert b"def create_profile(" in response.content


@pytest.mark.parametrize(
    "name",
    [
        "signal_lens.pages.views.source",
        "os.system",
        "settings.SECRET_KEY",
        "../site/settings.py",
        "",
    ],
)
def test_only_connected_receivers_source_can_be_read(client, name):
    assert client.get("/feed/receivers/source/", {"name": name}).status_code == 404


def test_drawing_the_feed_records_nothing_of_its_own(signed_up):
    def events_of_one_page_view() -> int:
        before = Event.objects.count()
        signed_up.get("/profile/")
        return Event.objects.count() - before

    first = events_of_one_page_view()
    assert events_of_one_page_view() == first  # The panel now shows one request more.


def test_a_chains_rows_come_without_their_details(signed_up):
    content = signed_up.get("/feed/").content.decode()
    assert "create_profile" in content and CREATE_PROFILE_AT not in content


def test_a_chains_details_load_into_its_rows(signed_up):
    content = signed_up.get(f"/feed/requests/{signup_chain(signed_up)}/details/").content.decode()
    assert CREATE_PROFILE_AT in content
    slots = re.findall(r'id="(details-\d+)" hx-swap-oob="true"', content)
    assert slots and all(
        f'id="{slot}"' in signed_up.get("/feed/").content.decode() for slot in slots
    )


def test_the_details_of_another_visitors_chain_are_not_found(signed_up):
    url = f"/feed/requests/{signup_chain(signed_up)}/details/"
    assert FeedClient().get(url).status_code == 404


def test_staff_see_any_chains_details_once_switched_to_everyone(signed_up, staff_client):
    staff_client.post("/feed/scope/", {"everyone": "1"})
    url = f"/feed/requests/{signup_chain(signed_up)}/details/"
    assert CREATE_PROFILE_AT in staff_client.get(url).content.decode()


def test_an_avatars_details_name_the_format_it_came_in(signed_up):
    photo = SimpleUploadedFile("photo.jpg", images.jpeg(), content_type="image/jpeg")
    signed_up.post("/profile/avatar/", {"avatar": photo})
    processed = Event.objects.get(visitor=feed_visitor(signed_up), signal="avatar_processed")
    details = signed_up.get(f"/feed/requests/{processed.chain}/details/").content.decode()
    (slot,) = [
        each
        for each in elements(parse_html(details))
        if dict(each.attributes).get("id") == f"details-{processed.id}"
    ]
    facts = [text(each).strip() for each in elements(slot) if each.name in ("dt", "dd")]
    assert facts[facts.index("source_format") + 1] == "JPEG"
