"""Under ASGI the site's middleware run in sync mode: one thread hop a request, not one a hook."""

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.utils.deprecation import MiddlewareMixin

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_middleware_runs_in_async_mode(monkeypatch):
    hopped = []

    async def acall(self, request):
        hopped.append(type(self).__name__)

    monkeypatch.setattr(MiddlewareMixin, "__acall__", acall)
    response = async_to_sync(AsyncClient().get)("/no-such-page/")
    assert response.status_code == 404 and hopped == []
