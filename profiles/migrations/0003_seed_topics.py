from django.db import migrations

TOPICS = {
    "models": "Models",
    "signals": "Signals",
    "auth": "Authentication",
    "templates": "Templates",
    "htmx": "htmx",
    "testing": "Testing",
}


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("profiles", "Topic")
    for slug, name in TOPICS.items():
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


def remove_topics(apps, schema_editor):
    apps.get_model("profiles", "Topic").objects.filter(slug__in=TOPICS).delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_topics_and_interests")]

    operations = [migrations.RunPython(seed_topics, remove_topics)]
