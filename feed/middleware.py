from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from feed.context import claim
from feed.visitors import new_visitor, remember, visitor_from_cookie


def _identify(request: HttpRequest) -> bool:
    """Tag the request and its recorded events with the browser's visitor id; True if new."""
    visitor = visitor_from_cookie(request)
    is_new = visitor is None
    request.feed_visitor = visitor = visitor or new_visitor()
    claim(visitor)
    return is_new


@sync_and_async_middleware
def FeedMiddleware(get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable]):
    """Give each browser a feed of its own: its id, and the cookie that keeps it."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            is_new = _identify(request)
            response = await get_response(request)
            if is_new:
                remember(response, request.feed_visitor)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        is_new = _identify(request)
        response = get_response(request)
        if is_new:
            remember(response, request.feed_visitor)
        return response

    return middleware
