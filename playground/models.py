from django.db import models


class SandboxNote(models.Model):
    """A visitor's throwaway row: every playground operation works on these, and only these."""

    visitor = models.CharField(max_length=32, db_index=True)
    title = models.CharField(max_length=100)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title
