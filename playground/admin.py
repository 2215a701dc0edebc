from django.contrib import admin

from playground.models import SandboxNote


@admin.register(SandboxNote)
class SandboxNoteAdmin(admin.ModelAdmin):
    list_display = ["title", "visitor", "revision", "created_at"]
