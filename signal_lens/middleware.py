from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from signal_lens.context import claim
from signal_lens.pages.visitors import Cookie, Visit, new_visitor, read_cookie, remember


def _identify(request: HttpRequest) -> Cookie:
    """Tag the request (request.signal_lens, a Visit) and its recorded events with the browser's
    visitor id: the cookie's, or a new one."""
    read = read_cookie(request)
    visit = Visit(read.visitor or new_visitor(), read.owner, read.parked)
    request.signal_lens = visit
    claim(visit.visitor)
    return read


def _keep(request: HttpRequest, response: HttpResponseBase, read: Cookie) -> None:
    """Set the cookie when the visitor is new, or a login or logout changed whose feed this is."""
    now = request.signal_lens.cookie
    if now != read:
        remember(response, now)


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
