from django.urls import path

from walkthrough import views

app_name = "walkthrough"
urlpatterns = [
    path("steps/", views.steps, name="steps"),
]
