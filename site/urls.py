from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from profiles.views import media_file, signup
from walkthrough.views import home

# The admin's own login checks passwords with no rate limit: send staff through allauth's instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    # allauth's signup, answering a race for one address as it answers an address taken.
    path("accounts/signup/", signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("profiles.urls")),
    path("feed/", include("signal_lens.urls")),
    path("playground/", include("playground.urls")),
    path("walkthrough/", include("walkthrough.urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Only generated avatar files live under MEDIA_ROOT: serving it exposes nothing else.
    urlpatterns += [
        re_path(r"^media/(?P<path>.+)$", media_file, {"document_root": settings.MEDIA_ROOT}),
    ]
