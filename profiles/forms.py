import re
from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from profiles import avatars
from profiles.models import Profile, delete_avatar_file

ACCEPTED = "a JPEG, PNG, WebP or GIF image"
# A pk as a browser sends it: ASCII digits that fit a 64-bit key, so Unicode digits ("²") and
# 4,300-digit numbers never reach int().
ID = re.compile(r"[0-9]{1,18}")


class BioForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def save(self, commit: bool = True) -> Profile:
        """Write only the bio: a full-row save would undo a login counted meanwhile."""
        self.instance.save(update_fields=["bio", "updated_at"])
        return self.instance


class TopicsField(forms.ModelMultipleChoiceField):
    """Topic ids as the checkboxes send them: SQLite cannot even compare an id past 64 bits."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if not (isinstance(pk, str) and ID.fullmatch(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class InterestsForm(forms.ModelForm):
    """Saving adds and removes only what changed, so m2m_changed carries just those pks."""

    class Meta:
        model = Profile
        fields = ["interests"]
        field_classes = {"interests": TopicsField}
        widgets = {"interests": forms.CheckboxSelectMultiple}

    def save(self, commit: bool = True) -> Profile:
        """Change only the interests: the profile row itself is not saved."""
        self.instance.interests.set(self.cleaned_data["interests"])
        return self.instance


class DeleteAccountForm(forms.Form):
    """Deletes the account once its password is given again."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: AbstractBaseUser, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    @transaction.atomic
    def save(self) -> None:
        # Cascades to the profile, its interests and email addresses: each sends pre/post_delete.
        self.user.delete()


def rejection(error: avatars.AvatarError) -> forms.ValidationError:
    """The message the form shows for each kind of file the avatar pipeline refuses."""
    match error:
        case avatars.TooLarge():
            megabytes = avatars.MAX_BYTES // 2**20
            message, code = f"This file is over {megabytes} MB: choose a smaller one.", "too_large"
        case avatars.UnsupportedFormat(format_name=name):
            message, code = f"{name} images are not accepted: choose {ACCEPTED}.", "unsupported"
        case avatars.TooManyPixels():
            megapixels = avatars.MAX_PIXELS // 1_000_000
            message = f"This image has over {megapixels} megapixels: choose a smaller one."
            code = "too_many_pixels"
        case avatars.DamagedImage():
            message, code = "This image is damaged or incomplete, so it cannot be read.", "damaged"
        case _:
            message, code = f"This file is not an image: choose {ACCEPTED}.", "not_an_image"
    return forms.ValidationError(message, code=code)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="Choose an image",
        error_messages={
            "required": f"Choose {ACCEPTED} to upload.",
            "empty": f"This file is empty: choose {ACCEPTED}.",
        },
        widget=forms.FileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp,image/gif",
                "aria-describedby": "avatar-help",
            }
        ),
    )

    def clean_avatar(self) -> UploadedFile:
        """Refuse what the header already shows: size, format, pixel count."""
        upload = self.cleaned_data["avatar"]
        try:
            avatars.check(upload)
        except avatars.AvatarError as error:
            raise rejection(error) from error
        return upload

    def save(self, profile: Profile) -> bool:
        """Give the profile the uploaded avatar; False, with the reason on the form, if refused.

        The new file is stored before the row is written: if the save fails, the transaction
        rolls the row back and the file is deleted, so nothing is left half done. The file it
        replaces is deleted once the save commits: this form is what knows which one that is.
        """
        previous = profile.avatar.name
        profile.avatar = self.cleaned_data["avatar"]
        try:
            with transaction.atomic():
                # The file replaced is the row's now, read under lock: an upload in parallel
                # may have replaced the one this request loaded, and its file would be orphaned.
                row = Profile.objects.select_for_update().filter(pk=profile.pk)
                replaced = row.values_list("avatar", flat=True).first()
                profile.save(update_fields=["avatar", "updated_at"])
                if replaced:
                    transaction.on_commit(partial(delete_avatar_file, replaced), robust=True)
        except avatars.AvatarError as error:
            # Refused by resize_avatar in pre_save, before anything was stored.
            profile.avatar = previous
            self.add_error("avatar", rejection(error))
            return False
        except Exception:
            # The row was rolled back: delete the file the save had already stored.
            if profile.avatar._committed and profile.avatar.name != previous:
                delete_avatar_file(profile.avatar.name)
            profile.avatar = previous
            raise
        return True
