from django.test import Client, RequestFactory

from feed.conf import feed_setting
from feed.visitors import visitor_from_cookie
from profiles.receivers import create_profile

# Where the feed and the receivers map say create_profile lives.
CREATE_PROFILE_AT = f"profiles/receivers.py:{create_profile.__code__.co_firstlineno}"


def feed_visitor(client: Client) -> str:
    """The visitor id inside a test client's feed cookie."""
    name = feed_setting("FEED_COOKIE_NAME")
    request = RequestFactory().get("/")
    request.COOKIES[name] = client.cookies[name].value
    return visitor_from_cookie(request)
