"""The safe arguments and the one-line summary of a signal send.

Arguments are kept by an allow-list: flags, field names and model references (label + pk). Strings
of unknown meaning, requests, environs, credentials' values, passwords and hashes never leave here.
Emails show only their local part ("alice@…"), and nothing here runs a database query.
"""

import math
import re
from typing import Any

from django.apps import AppConfig
from django.db import models

from signal_lens.conf import ARGUMENT_LENGTH, ERROR_LENGTH, MAX_PKS, NAME_LENGTH, SUMMARY_LENGTH
from signal_lens.naming.signal_names import sender_label

FLAGS = {"created", "raw", "reverse", "last_attempt", "signup", "enter"}
# Short words safe to show as they are; source_format is the name of a format Pillow opened.
WORDS = {"using", "action", "setting", "method", "source_format"}
UNRECORDED = {"signal", "sender", "request", "environ", "scope", "value", "credentials"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_email(email: str) -> str:
    """An address as the feed shows it: its local part only, "alice@…"."""
    return f"{email.partition('@')[0][:NAME_LENGTH]}@…"


def mask_emails(text: str) -> str:
    """Every address in a text masked as mask_email() masks one."""
    return EMAIL.sub(lambda found: mask_email(found[0]), text)


def error_text(error: BaseException) -> str:
    """An exception as "Type: message", emails masked, cut to the stored length."""
    try:
        message = str(error)
    except Exception:
        message = ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return mask_emails(text)[:ERROR_LENGTH]


def public_pk(pk: Any) -> int | str | None:
    """Integer keys are shown; any other key may be a secret (a session key is Session's pk)."""
    return pk if pk is None or (isinstance(pk, int) and not isinstance(pk, bool)) else "hidden"


def model_ref(instance: models.Model) -> dict[str, Any]:
    return {"model": instance._meta.label, "pk": public_pk(instance.pk)}


def _safe_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # JSON has no NaN or infinity.
    if isinstance(value, models.Model):
        return model_ref(value)
    if isinstance(value, type) and issubclass(value, models.Model):
        return value._meta.label
    if isinstance(value, models.QuerySet):
        return f"QuerySet of {value.model._meta.label}"
    return f"<{type(value).__name__}>"


def safe_args(named: dict[str, Any]) -> dict[str, Any]:
    """The arguments worth showing and safe to store."""
    args: dict[str, Any] = {}
    for key, value in named.items():
        if key in UNRECORDED:
            continue
        if key in FLAGS:
            args[key] = bool(value)
        elif key in WORDS:
            args[key] = (
                str(value)[:ARGUMENT_LENGTH] if isinstance(value, str) else _safe_value(value)
            )
        elif key == "update_fields":
            args[key] = None if value is None else sorted(str(field) for field in value)
        elif key == "pk_set":
            args[key] = None if value is None else sorted(public_pk(pk) for pk in value)[:MAX_PKS]
        elif key == "connection":
            args[key] = f"{value.vendor} ({value.alias})"
        else:
            args[key] = _safe_value(value)
    if isinstance(named.get("credentials"), dict):
        args["credentials"] = sorted(named["credentials"])
    return args


def masked_login(credentials: Any) -> str:
    """Whom a failed login named: an email address's local part, and nothing else ever typed.

    People type passwords into login fields, so any value that is not an address stays hidden.
    """
    values = credentials.values() if isinstance(credentials, dict) else ()
    emails = [value for value in values if isinstance(value, str) and EMAIL.fullmatch(value)]
    return mask_email(emails[0]) if emails else "someone"


def who(user: Any) -> str:
    """A person as the feed names them: the local part of their email, else the user's pk."""
    if user is None:
        return "Someone"
    email = getattr(user, "email", "") or ""
    if email:
        return mask_email(email)
    pk = public_pk(getattr(user, "pk", None))
    return f"{type(user).__name__} #{pk}" if pk is not None else "Anonymous user"


def describe_instance(instance: models.Model) -> str:
    """How the feed names an instance, e.g. "Profile #12 of alice@…".

    The owner is named only when already loaded, so describing never runs a query.
    """
    name, pk = type(instance).__name__, public_pk(instance.pk)
    if pk is None:
        return f"new {name}"
    text = f"{name} #{pk}" if pk != "hidden" else f"{name} (key hidden)"
    email = getattr(instance, "email", "")
    if isinstance(email, str) and email:
        return f"{text} ({mask_email(email)})"
    owner = instance._state.fields_cache.get("user")
    return f"{text} of {who(owner)}" if owner is not None else text


def _model_summary(name: str, named: dict[str, Any]) -> str | None:
    instance = named.get("instance")
    if name == "m2m_changed":
        model = named.get("model")
        count = len(named.get("pk_set") or ())
        if model is None:
            what = "object" if count == 1 else "objects"
        else:
            what = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
        on = describe_instance(instance) if isinstance(instance, models.Model) else "objects"
        if named.get("action", "").endswith("clear"):
            return f"m2m {named.get('action')}: {what} of {on}"
        return f"m2m {named.get('action')}: {count} {what} on {on}"
    if not isinstance(instance, models.Model):
        return None
    text = describe_instance(instance)
    fields = named.get("update_fields")
    only = f" (update_fields: {', '.join(sorted(fields))})" if fields else ""
    if name == "pre_save":
        return f"Saving {text}{only}"
    if name == "post_save":
        return f"{text} {'created' if named.get('created') else 'saved'}{only}"
    if name == "pre_delete":
        return f"Deleting {text}"
    if name == "post_delete":
        return f"{text} deleted"
    return None


def _other_summary(name: str, sender: Any, named: dict[str, Any]) -> str | None:
    if name in {"request_started", "request_finished"}:
        return f"Request {name.removeprefix('request_')}"
    if name == "got_request_exception":
        return "Unhandled exception in the view"
    if name == "connection_created":
        connection = named["connection"]
        return f"New {connection.vendor} database connection ({connection.alias})"
    if name == "user_login_failed":
        return f"Login failed for {masked_login(named.get('credentials'))}"
    if name in {"pre_migrate", "post_migrate"} and isinstance(sender, AppConfig):
        return f"{name} for {sender.label}"
    if name == "setting_changed":
        return f"Setting {named.get('setting')} {'set' if named.get('enter') else 'restored'}"
    if "user" in named:
        person = who(named["user"])
        if name.startswith("user_"):
            return f"{person} {name.removeprefix('user_').replace('_', ' ')}"
        return f"{person}: {name.replace('_', ' ')}"
    return None


def summarise(name: str, sender: Any, named: dict[str, Any]) -> str:
    """One human line: "Profile #12 of alice@… created", "m2m post_add: 2 topics on Profile #3"."""
    text = _model_summary(name, named) or _other_summary(name, sender, named)
    if not text:
        text = f"{name.replace('_', ' ').capitalize()} ({sender_label(sender)})"
    return text[:SUMMARY_LENGTH]
