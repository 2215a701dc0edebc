from django.urls import path

from profiles import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("bio/", views.edit_bio, name="edit_bio"),
    path("avatar/", views.upload_avatar, name="upload_avatar"),
]
