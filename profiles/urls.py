from django.urls import path

from profiles import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("bio/", views.edit_bio, name="edit_bio"),
    path("interests/", views.edit_interests, name="edit_interests"),
    path("delete/", views.delete_account, name="delete_account"),
    path("avatar/", views.upload_avatar, name="upload_avatar"),
]
