from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from profiles.forms import BioForm
from profiles.models import Profile


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@login_required
def profile(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    context = {"profile": user_profile, "bio_form": BioForm(instance=user_profile)}
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
    return render(
        request, template, {"profile": user_profile, "bio_form": form, "bio_saved": saved}
    )
