from django.contrib import admin

from profiles.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "login_count", "last_login_at", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__username"]
    # Avatars are uploaded on the profile page, whose form turns each refusal into a message.
    readonly_fields = ["avatar", "created_at", "updated_at", "last_login_at", "previous_login_at"]
