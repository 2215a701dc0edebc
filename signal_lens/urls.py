from django.urls import path

from signal_lens.pages import views

app_name = "signal_lens"
urlpatterns = [
    path("", views.panel, name="panel"),
    path("stream/", views.stream, name="stream"),
    path("poll/", views.poll, name="poll"),
    path("scope/", views.choose_scope, name="scope"),
    path("internals/", views.choose_internals, name="internals"),
    path("requests/<uuid:chain_id>/", views.chain, name="chain"),
    path("requests/<uuid:chain_id>/details/", views.chain_details, name="chain_details"),
    path("receivers/", views.receivers, name="receivers"),
    path("receivers/source/", views.source, name="source"),
]
