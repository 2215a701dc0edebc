from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from profiles.forms import BioForm, DeleteAccountForm, InterestsForm
from profiles.models import Profile


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@login_required
def profile(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    context = {
        "profile": user_profile,
        "bio_form": BioForm(instance=user_profile),
        "interests_form": InterestsForm(instance=user_profile),
    }
    return render(request, "profiles/profile.html", context)


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
    context = {"profile": user_profile, "bio_form": form, "bio_saved": saved}
    return render(request, template, context)


@require_POST
@login_required
def edit_interests(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    form = InterestsForm(request.POST, instance=user_profile)
    if "clear" in request.POST:
        # clear() is its own m2m_changed action, distinct from removing each one.
        user_profile.interests.clear()
        form = InterestsForm(instance=user_profile)
    elif form.is_valid():
        form.save()
    if not request.htmx:
        return redirect("profile")
    return render(request, "profiles/profile.html#interests-form", {"interests_form": form})


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request: HtmxHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):
        form.add_error(None, "Too many attempts: wait a minute, then try again.")
    elif form.is_valid():
        form.save()
        logout(request)
        messages.success(request, "Your account and everything in it has been deleted.")
        return redirect("home")
    return render(request, "profiles/delete_account.html", {"form": form})
