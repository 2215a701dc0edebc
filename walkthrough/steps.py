"""The walkthrough: what to try, and the signals that show each step was done.

Progress counts from the visitor's newest signup in their own feed: each step ticks when its
signal fired after that signup, in whatever order the visitor goes. A new signup (the next
person in this browser) starts afresh; deleting the account ends the walkthrough, ticks kept.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from signal_lens.models import Event
from signal_lens.store.reads import chain_end, first_fired, last_fired, same_chain


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
    needs: str = ""  # What must be true first, said on the step.
    note: str = ""  # What else the step's signals teach.
    # Sends of the same request shown with the one that ticked the step: (signal, sender).
    shows: tuple[tuple[str, str | None], ...] = ()

    def conditions(self) -> dict[str, Any]:
        return {"sender": self.sender, "receiver": self.receiver, **self.args}


@dataclass(frozen=True)
class Progress:
    step: Step
    number: int
    event: Event | None  # The send that ticked the step.
    rows: list[int] = field(default_factory=list)  # Event ids the feed highlights for it.

    @property
    def done(self) -> bool:
        return self.event is not None


@dataclass(frozen=True)
class Walkthrough:
    steps: list[Progress]

    @property
    def done(self) -> int:
        return sum(row.done for row in self.steps)

    @property
    def finished(self) -> bool:
        """Deleting the account ends the walkthrough, whatever else was done."""
        return self.steps[-1].done


USER = settings.AUTH_USER_MODEL
SIGN_UP = "sign-up"

STEPS = [
    Step(
        SIGN_UP,
        "Sign up",
        "Create an account with any email address and a password.",
        "post_save on User (created) → create_profile → post_save on Profile; user_signed_up →"
        " send_welcome_email",
        "model",
        "post_save",
        sender=USER,
        receiver="create_profile",
        args={"created": True},
        shows=(("user_signed_up", None),),
        note="send_welcome_email queues the welcome email with transaction.on_commit: it is sent"
        " only once the signup is committed (locally, it prints in the server's console).",
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
        needs="Log out first (step 2): signing up logged you in.",
    ),
    Step(
        "log-in",
        "Log in",
        "Now log in with the right password.",
        "user_logged_in → update_last_login and record_login; then allauth's own user_logged_in",
        "auth",
        "user_logged_in",
        receiver="record_login",
        shows=(("user_logged_in", None),),
        needs="Log out first (step 2): the login that comes with signing up does not count.",
        note="record_login counts the login with QuerySet.update(), which sends no signals:"
        " try it in the playground.",
    ),
    Step(
        "avatar",
        "Upload an avatar",
        "Choose a photo on your profile page.",
        "pre_save on Profile → resize_avatar → avatar_processed; post_save",
        "custom",
        "avatar_processed",
        shows=(("pre_save", "profiles.Profile"), ("post_save", "profiles.Profile")),
        needs="Logged in (step 1 or 4).",
    ),
    Step(
        "interests",
        "Change your interests",
        "Tick a topic on your profile page.",
        "m2m_changed: pre_add and post_add, with the topics' pk_set",
        "model",
        "m2m_changed",
        args={"action": "post_add"},
        shows=(("m2m_changed", None),),
        needs="Logged in (step 1 or 4).",
    ),
    Step(
        "delete-account",
        "Delete your account",
        "From your profile page, with your password.",
        "pre_delete and post_delete for User and, cascaded, Profile",
        "model",
        "post_delete",
        sender=USER,
        shows=(("pre_delete", None), ("post_delete", None)),
        needs="Do this last: it ends the walkthrough.",
    ),
]


def progress(visitor: str) -> Walkthrough:
    """Each step with the send that ticked it, counted from the visitor's newest signup."""
    signup = last_fired(visitor, STEPS[0].signal, **STEPS[0].conditions())
    # The signup's own request logs the new user in: only what comes after it counts.
    after = chain_end(signup) if signup is not None else None
    rows = []
    for number, step in enumerate(STEPS, start=1):
        if after is None:
            found = None
        elif step.slug == SIGN_UP:
            found = signup
        else:
            found = first_fired(visitor, step.signal, after=after, **step.conditions())
        shown = same_chain(found, list(step.shows)) if found else []
        rows.append(Progress(step, number, found, shown))
    return Walkthrough(rows)
