from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from shelf.models import Book


@require_POST
@login_required
def add_book(request: HttpRequest) -> HttpResponse:
    book = Book.objects.create(title=request.POST["title"])
    return HttpResponse(str(book.pk), status=201)
