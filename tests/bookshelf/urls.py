from django.contrib import admin
from django.urls import include, path
from shelf import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("books/", views.add_book, name="add_book"),
    path("feed/", include("signal_lens.urls")),
]
