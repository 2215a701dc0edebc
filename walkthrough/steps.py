"""The walkthrough: what to try, and the signals that show each step was done.

Progress counts from the visitor's newest signup in their own feed: each step ticks when its
signal fired after that signup, in whatever order the visitor goes. A new signup (the next
person in this browser) starts afresh; deleting the account ends the walkthrough, ticks kept.
"""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Subquery

from signal_lens.context import muted
from signal_lens.models import Event
from signal_lens.store.reads import events_for, matchable, sent


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

    def sent(self) -> Q:
        """The sends that tick this step."""
        return sent(self.signal, sender=self.sender, receiver=self.receiver, **self.args)


@dataclass(frozen=True)
class Progress:
    step: Step
    number: int
    event_id: int | None = None  # The send that ticked the step, and its request's chain.
    chain: UUID | None = None
    rows: list[int] = field(default_factory=list)  # Event ids the feed highlights for it.

    @property
    def done(self) -> bool:
        return self.event_id is not None


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


def _step_kinds() -> Q:
    """Sends of a step's signal and sender, whatever their arguments: plain columns, quick."""
    kinds = Q()
    for step in STEPS:
        kinds |= Q(signal=step.signal, sender=step.sender) if step.sender else Q(signal=step.signal)
    return kinds


def sends_since(visitor: str, seen: int) -> tuple[int, bool]:
    """The visitor's newest event id after `seen` (else `seen`), and whether any of those events
    sends a step's signal: only then may progress have changed. It reads only the new events."""
    with muted():
        found = (
            events_for(visitor)
            .filter(id__gt=seen)
            .aggregate(newest=Max("id"), steps=Count("id", filter=_step_kinds()))
        )
    return found["newest"] or seen, bool(found["steps"])


def _highlighted(step: Step, ticked: int, chain: UUID, sends: list[tuple]) -> list[int]:
    """The ids of the sends shown with the one that ticked `step`: its own and its `shows`."""
    return [
        sent_id
        for sent_id, sent_chain, signal, sender in sends
        if sent_chain == chain
        and (sent_id == ticked or (signal, sender) in step.shows or (signal, None) in step.shows)
    ]


def progress(visitor: str) -> Walkthrough:
    """Each step with the send that ticked it, counted from the visitor's newest signup.

    Two queries however long the visitor's history: one aggregate over the newest signup and the
    sends after the end of its request (both found by subqueries), a conditional Min per step;
    then the sends of their requests to highlight. Only sends of a step's signal are read past
    their columns.
    """
    # The JSON of the receivers and arguments is read only for sends of a step's signal.
    events = matchable(events_for(visitor).filter(_step_kinds()))
    signups = events.filter(STEPS[0].sent()).order_by("-id")
    newest = Subquery(signups.values("id")[:1])
    # The signup's own request logs the new user in: only what comes after its end counts.
    signup_chain = Subquery(signups.values("chain")[:1])
    end = Subquery(Event.objects.filter(chain=signup_chain).order_by("-id").values("id")[:1])
    # The newest signup is the only signup among these rows: each step's filter finds its own.
    firsts = {
        f"step{number}": Min("id", filter=step.sent()) for number, step in enumerate(STEPS, start=1)
    }
    with muted():
        found = events.filter(Q(id=newest) | Q(id__gt=end)).aggregate(**firsts)
    ticked = [found_id for found_id in found.values() if found_id is not None]
    shown = Q(pk__in=ticked)
    for step in STEPS:
        for signal, sender in step.shows:
            shown |= Q(signal=signal, sender=sender) if sender else Q(signal=signal)
    chains = Event.objects.filter(pk__in=ticked).values("chain")
    with muted():
        sends = (
            list(
                # By chain (its index), not by visitor: the ticked sends are the visitor's.
                Event.objects.filter(shown, chain__in=chains)
                .order_by("id")
                .values_list("id", "chain", "signal", "sender")
            )
            if ticked
            else []
        )
    chain_of = {sent_id: chain for sent_id, chain, *_ in sends}
    rows = []
    for number, step in enumerate(STEPS, start=1):
        ticked_id = found.get(f"step{number}")
        if ticked_id is None:
            rows.append(Progress(step, number))
            continue
        chain = chain_of[ticked_id]
        rows.append(
            Progress(step, number, ticked_id, chain, _highlighted(step, ticked_id, chain, sends))
        )
    return Walkthrough(rows)
