"""What the feed says about built-in signals: one line of explanation and the docs' entry."""

import django

DJANGO_DOCS = f"https://docs.djangoproject.com/en/{django.VERSION[0]}.{django.VERSION[1]}/"
ALLAUTH_DOCS = "https://docs.allauth.org/en/latest/account/signals.html"

# Where each module's signals are documented; the entry's anchor is the signal's dotted path.
PAGES = {
    "django.db.models.signals": "ref/signals/",
    "django.core.signals": "ref/signals/",
    "django.db.backends.signals": "ref/signals/",
    "django.test.signals": "ref/signals/",
    "django.contrib.auth.signals": "ref/contrib/auth/",
    "django.tasks.signals": "ref/signals/",
}
# Defined in one module, documented under another.
DOCUMENTED_AS = {"django.core.signals.setting_changed": "django.test.signals.setting_changed"}
# The writes insight/skips.py records in place of a send: where Django says they send no signals.
RAW_SQL = "topics/db/sql/#executing-custom-sql-directly"
SKIPPING_WRITES = {
    "update()": "ref/models/querysets/#django.db.models.query.QuerySet.update",
    "bulk_create()": "ref/models/querysets/#django.db.models.query.QuerySet.bulk_create",
    "bulk_update()": "ref/models/querysets/#django.db.models.query.QuerySet.bulk_update",
    "SQL INSERT": RAW_SQL,
    "SQL UPDATE": RAW_SQL,
}

EXPLAINED = {
    "pre_init": "Sent at the start of a model's __init__: for every instance, loaded rows too.",
    "post_init": "Sent at the end of a model's __init__.",
    "pre_save": "Sent by Model.save() before the row is written.",
    "post_save": "Sent by Model.save() after the row is written; created says whether it was new.",
    "pre_delete": "Sent before a model instance is deleted, by delete() and by cascades.",
    "post_delete": "Sent after a model instance is deleted.",
    "m2m_changed": "Sent when a many-to-many relation changes: add(), remove(), clear(), set().",
    "class_prepared": "Sent once per model class, when Django has built it.",
    "pre_migrate": "Sent by migrate before it changes the database.",
    "post_migrate": "Sent by migrate after it has run.",
    "request_started": "Sent when Django starts handling a request.",
    "request_finished": "Sent when Django has delivered the response.",
    "got_request_exception": "Sent when a view raises an exception Django did not expect.",
    "setting_changed": "Sent when a test changes a setting.",
    "template_rendered": "Sent by the test runner each time a template is rendered.",
    "task_enqueued": "Sent once a task has been enqueued.",
    "task_started": "Sent when a task starts running.",
    "task_finished": "Sent when a task has finished, successfully or not.",
    "connection_created": "Sent when Django opens a database connection.",
    "autoreload_started": "Sent when the development server's autoreloader starts watching files.",
    "file_changed": "Sent when a file the development server's autoreloader watches changes.",
    "user_logged_in": "Sent after a user logs in.",
    "user_logged_out": "Sent when a user logs out, before the session is flushed.",
    "user_login_failed": "Sent when a login fails; the password is never passed on.",
}


def docs_url(signal: str, module: str) -> str:
    """The documentation entry of a Django or allauth signal; "" for the project's own."""
    if module.startswith("django.") and signal in SKIPPING_WRITES:
        return f"{DJANGO_DOCS}{SKIPPING_WRITES[signal]}"
    if module in PAGES:
        path = f"{module}.{signal}"
        return f"{DJANGO_DOCS}{PAGES[module]}#{DOCUMENTED_AS.get(path, path)}"
    if module.startswith("django."):
        return f"{DJANGO_DOCS}ref/signals/"
    if module.startswith("allauth."):
        return ALLAUTH_DOCS
    return ""


def explain(signal: str, module: str) -> str:
    """One line on what a built-in signal means; "" for signals defined outside Django."""
    return EXPLAINED.get(signal, "") if module.startswith("django.") else ""
