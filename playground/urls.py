from django.urls import path

from playground import views

app_name = "playground"
urlpatterns = [
    path("", views.playground, name="index"),
    path("<slug:slug>/", views.run, name="run"),
]
