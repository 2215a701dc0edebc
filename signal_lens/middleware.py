from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from signal_lens.context import claim
from signal_lens.visitors import new_visitor, read_cookie, remember


def _identify(request: HttpRequest) -> tuple[str | None, str | None]:
    """Tag the request and its recorded events with the browser's visitor id; the cookie's."""
    visitor, owner = read_cookie(request)
    request.feed_visitor = visitor or new_visitor()
    request.feed_owner = owner
    claim(request.feed_visitor)
    return visitor, owner


def _keep(
    request: HttpRequest, response: HttpResponseBase, read: tuple[str | None, str | None]
) -> None:
    """Set the cookie when the visitor is new or a login changed whose feed this is."""
    if (request.feed_visitor, request.feed_owner) != read:
        remember(response, request.feed_visitor, request.feed_owner)


@sync_and_async_middleware
def FeedMiddleware(get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable]):
    """Give each browser a feed of its own: its id, and the cookie that keeps it."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            read = _identify(request)
            response = await get_response(request)
            _keep(request, response, read)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        read = _identify(request)
        response = get_response(request)
        _keep(request, response, read)
        return response

    return middleware
