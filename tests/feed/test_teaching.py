"""What the feed's rows say: receivers named, plumbing folded, names beside ids, honest words."""

import re

import django
import pytest
from django.test.html import Element, parse_html

from signal_lens.conf import feed_setting
from signal_lens.models import Event
from signal_lens.naming.signal_names import named_signals
from signal_lens.pages import glossary
from tests.feed.rows import chains, events, row_text, row_texts, with_details
from tests.helpers import elements, list_items, text

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = f"https://docs.djangoproject.com/en/{django.VERSION[0]}.{django.VERSION[1]}/"


def feed_page(client) -> str:
    return client.get("/feed/").content.decode()


def test_a_collapsed_row_names_its_receivers_and_their_times(signed_up):
    rows = row_texts(feed_page(signed_up))
    assert any(re.fullmatch(r"post_save · auth\.User → create_profile [\d.]+ ms", r) for r in rows)


def test_a_signal_sent_inside_a_receiver_shows_under_it(signed_up):
    user_created = next(
        event
        for event in events(parse_html(feed_page(signed_up)))
        if row_text(event).startswith("post_save · auth.User") and " created" in text(event)
    )
    first_inside = events(user_created)[1]  # [0] is the event itself.
    assert row_text(first_inside).startswith("pre_save · profiles.Profile")


def test_a_receiver_that_never_ran_says_so(client):
    client.post("/playground/send/", headers={"HX-Request": "true"})
    rows = row_texts(feed_page(client))
    assert any(
        r.endswith("count_sandbox_notes not run") for r in rows if r.startswith("experiment")
    )


def test_the_waterfall_says_not_run_instead_of_a_time(client):
    client.post("/playground/send/", headers={"HX-Request": "true"})
    sent = Event.objects.get(signal="experiment")
    html = client.get(f"/feed/requests/{sent.chain}/").content.decode()
    rows = [text(item) for item in list_items(html, "Signals and receivers on one time scale")]
    assert next(row for row in rows if row.startswith("count_sandbox_notes")).endswith("not run")


def test_the_two_user_logged_in_say_which_module_sent_them(signed_up):
    rows = [r for r in row_texts(feed_page(signed_up)) if r.startswith("user_logged_in")]
    assert [r.split(" · ")[0] for r in rows] == [
        "user_logged_in django.contrib.auth",
        "user_logged_in allauth.account",
    ]


def test_pk_set_names_the_topics_beside_their_ids(signed_up, topic):
    signed_up.post("/profile/interests/", {"interests": [topic.pk]})
    assert f"<dd>Signals (#{topic.pk})</dd>" in with_details(signed_up, feed_page(signed_up))


def test_one_topic_is_one_topic(signed_up, topic):
    signed_up.post("/profile/interests/", {"interests": [topic.pk]})
    assert "post_add: 1 topic on Profile" in feed_page(signed_up)


def test_built_in_signals_link_to_their_entry_in_djangos_docs(signed_up):
    html = with_details(signed_up, feed_page(signed_up))
    assert f'href="{DOCS}ref/signals/#django.db.models.signals.post_save"' in html
    assert f'href="{DOCS}ref/contrib/auth/#django.contrib.auth.signals.user_logged_in"' in html


def test_playground_requests_are_titled_with_their_path_and_operation(client):
    client.post("/playground/queryset-delete/", headers={"HX-Request": "true"})
    client.post("/playground/save/", headers={"HX-Request": "true"})
    html = feed_page(client)
    assert "POST /playground/save/ · save()</a>" in html
    assert "&lt;slug&gt;" not in html


def test_requests_of_django_plumbing_only_are_left_out(signed_up):
    signed_up.get("/accounts/email/")
    assert "GET /accounts/email/" not in feed_page(signed_up)


def test_the_internals_switch_brings_them_back(signed_up):
    signed_up.get("/accounts/email/")
    signed_up.post("/feed/internals/", {"show": "1"})
    assert "GET /accounts/email/" in feed_page(signed_up)


def test_the_internals_switch_is_kept_in_a_cookie(client):
    response = client.post("/feed/internals/", {"show": "1", "next": "/playground/"})
    assert response.cookies[feed_setting("FEED_INTERNALS_COOKIE")].value == "1"
    assert response.url == "/playground/"


def test_the_switch_never_redirects_off_the_site(client):
    response = client.post("/feed/internals/", {"show": "1", "next": "https://example.net/"})
    assert response.url == "/feed/"


def test_htmx_gets_the_redrawn_panel_with_the_switch_on(client):
    response = client.post("/feed/internals/", {"show": "1"}, headers={"HX-Request": "true"})
    assert 'role="switch" aria-checked="true"' in response.content.decode()


def signals_of(chain: Element) -> list[str]:
    """The signals a chain's rows show, in order."""
    return [dict(event.attributes)["data-signal"] for event in events(chain)]


def test_a_page_leaves_folded_plumbing_out_of_its_rows(signed_up):
    signup = chains(feed_page(signed_up))[-1]
    assert "request_started" not in signals_of(signup)
    assert "internal signals folded" in text(signup)


def test_the_switch_draws_the_plumbing_into_the_rows(signed_up):
    signed_up.post("/feed/internals/", {"show": "1"})
    signup = chains(feed_page(signed_up))[-1]
    assert "request_started" in signals_of(signup)


def test_a_chains_lessons_are_the_same_whichever_the_switch(signed_up):
    folded = [row_text(event) for event in events(chains(feed_page(signed_up))[-1])]
    signed_up.post("/feed/internals/", {"show": "1"})
    shown = [row_text(event) for event in events(chains(feed_page(signed_up))[-1])]
    assert folded and all(row in shown for row in folded)


def test_folded_details_leave_the_plumbing_out(signed_up):
    html = with_details(signed_up, feed_page(signed_up))
    assert "django.core.signals.request_started" not in html


def test_the_history_pages_back_to_the_oldest_request(signed_up, settings):
    settings.FEED_PAGE_CHAINS = 2
    signed_up.post("/profile/bio/", {"bio": "one"})
    signed_up.post("/profile/bio/", {"bio": "two"})
    older = re.search(r'href="(/feed/\?before=\d+)" rel="next"', feed_page(signed_up)).group(1)
    assert "POST /accounts/signup/" in signed_up.get(older).content.decode()


def test_the_newest_history_page_leaves_the_oldest_out(signed_up, settings):
    settings.FEED_PAGE_CHAINS = 2
    signed_up.post("/profile/bio/", {"bio": "one"})
    signed_up.post("/profile/bio/", {"bio": "two"})
    assert "POST /accounts/signup/" not in feed_page(signed_up)


def test_the_receivers_map_lists_a_receiver_connected_many_times_once(client):
    html = client.get("/feed/receivers/").content.decode()
    listed = [
        " ".join(text(item).split())
        for item in elements(parse_html(html))
        if item.name == "li" and "StorageSettingsMixin._clear_cached_properties" in text(item)
    ]
    assert len(listed) == 1
    assert re.search(r"_clear_cached_properties \u00d7 [2-9] ", listed[0])


def test_every_django_signal_has_a_line_of_explanation():
    djangos = [name for name, _ in named_signals() if name.module.startswith("django.")]
    assert [n.name for n in djangos if not glossary.explain(n.name, n.module)] == []


def test_a_signal_defined_in_one_module_links_where_django_documents_it():
    url = glossary.docs_url("setting_changed", "django.core.signals")
    assert url.endswith("ref/signals/#django.test.signals.setting_changed")
