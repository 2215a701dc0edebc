from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from profiles.forms import AvatarForm, BioForm
from profiles.models import Profile


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def page_context(user_profile: Profile, **forms) -> dict[str, object]:
    """The profile page's context: fresh forms, unless a view passes a bound one."""
    return {
        "profile": user_profile,
        "bio_form": BioForm(instance=user_profile),
        "avatar_form": AvatarForm(),
        **forms,
    }


@require_GET
@login_required
def profile(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    return render(request, "profiles/profile.html", page_context(user_profile))


@require_POST
@login_required
def edit_bio(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    form = BioForm(request.POST, instance=user_profile)
    saved = form.is_valid()
    if saved:
        form.save()
        if not request.htmx:
            return redirect("profile")
    template = "profiles/profile.html#bio-form" if request.htmx else "profiles/profile.html"
    return render(request, template, page_context(user_profile, bio_form=form, bio_saved=saved))


@require_POST
@login_required
def upload_avatar(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    form = AvatarForm(request.POST, request.FILES)
    saved = form.is_valid() and form.save(user_profile)
    if saved and not request.htmx:
        return redirect("profile")
    # A saved avatar changes the header too: that partial adds an out-of-band swap for it.
    partial = "#avatar-saved" if saved else "#avatar-form"
    template = "profiles/profile.html" + (partial if request.htmx else "")
    return render(
        request, template, page_context(user_profile, avatar_form=form, avatar_saved=saved)
    )
