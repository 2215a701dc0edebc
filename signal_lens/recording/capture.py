"""What the recorder saw during one block of code, for pages that show it straight away."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from signal_lens.context import current_chain
from signal_lens.recording.chains import Send


@dataclass(frozen=True)
class Sent:
    """One send seen during a capture: enough to list it, nothing more."""

    signal: str
    family: str
    sender: str
    summary: str
    depth: int
    receivers: list[tuple[str, str]]  # (short name, outcome)


def _sent(send: Send) -> Sent:
    return Sent(
        signal=send.name.name,
        family=send.name.family,
        sender=send.sender,
        summary=send.summary,
        depth=send.depth,
        receivers=[(call.info.short, call.outcome) for call in send.calls],
    )


@contextmanager
def sends_during() -> Iterator[list[Sent]]:
    """Collect the sends this request records inside the block; empty with the recorder off."""
    chain = current_chain.get()
    first = len(chain.sends) if chain is not None else 0
    captured: list[Sent] = []
    try:
        yield captured
    finally:
        if chain is not None:
            # Records of the save receivers a write skipped are no sends.
            captured.extend(_sent(send) for send in chain.sends[first:] if not send.skipped)
