"""The walkthrough: what to do, in order, and the signals that show each step was done."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from feed.queries import first_fired


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    action: str
    expect: str  # The signals to watch for, as the visitor reads them.
    family: str  # The family of the signal that ticks the step, for its colour and icon.
    signal: str
    sender: str | None = None
    receiver: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    step: Step
    number: int
    done: bool


USER = settings.AUTH_USER_MODEL

STEPS = [
    Step(
        "sign-up",
        "Sign up",
        "Create an account with any email address and a password.",
        "post_save on User (created) → create_profile → post_save on Profile; user_signed_up",
        "model",
        "post_save",
        sender=USER,
        receiver="create_profile",
        args={"created": True},
    ),
    Step(
        "log-out",
        "Log out",
        "Use the Log out button in the header.",
        "user_logged_out, sent before the session is flushed",
        "auth",
        "user_logged_out",
    ),
    Step(
        "fail-login",
        "Fail a login on purpose",
        "Log in with the wrong password.",
        "user_login_failed (the password itself is never recorded)",
        "auth",
        "user_login_failed",
    ),
    Step(
        "log-in",
        "Log in",
        "Now log in with the right password.",
        "user_logged_in → update_last_login and record_login; allauth's own user_logged_in",
        "auth",
        "user_logged_in",
        receiver="record_login",
    ),
    Step(
        "avatar",
        "Upload an avatar",
        "Choose a photo on your profile page.",
        "pre_save on Profile → resize_avatar → avatar_processed; post_save",
        "custom",
        "avatar_processed",
    ),
    Step(
        "interests",
        "Change your interests",
        "Tick a topic on your profile page.",
        "m2m_changed: pre_add and post_add, with the topics' pk_set",
        "model",
        "m2m_changed",
        args={"action": "post_add"},
    ),
    Step(
        "delete-account",
        "Delete your account",
        "From your profile page, with your password.",
        "pre_delete and post_delete for User and, cascaded, Profile",
        "model",
        "post_delete",
        sender=USER,
    ),
]


def progress(visitor: str) -> list[Progress]:
    """Each step, ticked when the visitor's feed shows its signals after the step before it."""
    rows, after, done = [], 0, True
    for number, step in enumerate(STEPS, start=1):
        conditions = {"sender": step.sender, "receiver": step.receiver, **step.args}
        found = first_fired(visitor, step.signal, after=after, **conditions) if done else None
        done = found is not None
        after = found.id if found else after
        rows.append(Progress(step, number, done))
    return rows
