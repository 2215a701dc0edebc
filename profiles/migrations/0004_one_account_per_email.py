"""One account per email address, held by the database whatever the letters' case.

allauth checks for an existing address before it inserts the user: two signups at once both
passed that check. A unique index on lower(email) makes the second insert fail instead.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q
from django.db.models.functions import Lower

UNIQUE_EMAIL = models.UniqueConstraint(
    Lower("email"), name="profiles_one_account_per_email", condition=~Q(email="")
)


def add_unique_email(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    shared = (
        User.objects.exclude(email="")
        .values(address=Lower("email"))
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
    )
    if shared.exists():
        raise RuntimeError(
            f"{shared.count()} email addresses have several accounts each: merge or delete the"
            " extra accounts before migrating (docs/deploy.md, 'One account per email')."
        )
    schema_editor.add_constraint(User, UNIQUE_EMAIL)


def remove_unique_email(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model(settings.AUTH_USER_MODEL), UNIQUE_EMAIL)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0003_seed_topics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_unique_email, remove_unique_email)]
