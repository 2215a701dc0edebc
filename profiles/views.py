from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.static import serve

from htmx_request import HtmxHttpRequest
from profiles.forms import AvatarForm, BioForm, DeleteAccountForm, InterestsForm
from profiles.models import Profile


def page_context(user_profile: Profile, **forms) -> dict[str, object]:
    """The profile page's context: fresh forms, unless a view passes a bound one."""
    return {
        "profile": user_profile,
        "bio_form": BioForm(instance=user_profile),
        "avatar_form": AvatarForm(),
        "interests_form": InterestsForm(instance=user_profile),
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


@require_POST
@login_required
def edit_interests(request: HtmxHttpRequest) -> HttpResponse:
    user_profile = Profile.objects.for_user(request.user)
    form = InterestsForm(request.POST, instance=user_profile)
    saved = "clear" in request.POST or form.is_valid()
    if "clear" in request.POST:
        # clear() is its own m2m_changed action, distinct from removing each one.
        user_profile.interests.clear()
        form = InterestsForm(instance=user_profile)
    elif saved:
        form.save()
    if not request.htmx:
        return redirect("profile")
    context = {"interests_form": form, "interests_saved": saved}
    return render(request, "profiles/profile.html#interests-form", context)


@require_http_methods(["GET", "POST"])
@login_required
def delete_account(request: HtmxHttpRequest) -> HttpResponse:
    # Bound on every POST, an empty one too: the rate limit's error needs a bound form.
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
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


@require_GET
def media_file(request: HttpRequest, path: str, document_root: str) -> HttpResponse:
    """An uploaded file; a path no file system could hold (too long, a NUL) is simply not found."""
    try:
        return serve(request, path, document_root=document_root)
    except (OSError, ValueError) as error:
        raise Http404("No such file.") from error


class SignupView(AllauthSignupView):
    def form_valid(self, form) -> HttpResponse:
        """allauth's signup; an address taken meanwhile by a signup at the same moment is refused.

        The database's unique index on lower(email) stops the second insert (profiles migration
        0004): that signup gets the form's usual answer, as if it had come a moment later.
        """
        try:
            return super().form_valid(form)
        except IntegrityError:
            form.add_error("email", get_adapter().validation_error("email_taken"))
            return self.form_invalid(form)


signup = SignupView.as_view()
