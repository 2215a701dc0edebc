from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from profiles import receivers
        from profiles.models import Profile

        post_save.connect(
            receivers.create_profile,
            sender=get_user_model(),
            dispatch_uid="profiles.create_profile",
        )
        user_signed_up.connect(
            receivers.send_welcome_email, dispatch_uid="profiles.send_welcome_email"
        )
        # Django's own update_last_login already keeps User.last_login: this adds only the profile.
        user_logged_in.connect(receivers.record_login, dispatch_uid="profiles.record_login")
        pre_save.connect(
            receivers.resize_avatar, sender=Profile, dispatch_uid="profiles.resize_avatar"
        )
        post_delete.connect(
            receivers.delete_avatar, sender=Profile, dispatch_uid="profiles.delete_avatar"
        )
        m2m_changed.connect(
            receivers.touch_profile_on_interests_change,
            sender=Profile.interests.through,
            dispatch_uid="profiles.touch_profile_on_interests_change",
        )
