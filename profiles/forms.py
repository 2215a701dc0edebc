from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from profiles.models import Profile


class BioForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


class InterestsForm(forms.ModelForm):
    """Saving adds and removes only what changed, so m2m_changed carries just those pks."""

    class Meta:
        model = Profile
        fields = ["interests"]
        widgets = {"interests": forms.CheckboxSelectMultiple}


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
