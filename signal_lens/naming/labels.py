"""Short texts the recorder stores: what ran outside requests, and what an error said."""

import sys
from pathlib import Path

from signal_lens.conf import ERROR_LENGTH
from signal_lens.naming.privacy import mask_emails


def process_label() -> str:
    """What to call work done outside requests: "manage.py migrate", "shell", "pytest"."""
    argv = sys.argv or ["python"]
    program = Path(argv[0])
    name = program.parent.name if program.name == "__main__.py" else program.name
    if name in {"manage.py", "django-admin"} and len(argv) > 1:
        return f"{name} {argv[1]}"
    return name or "python"


def error_text(error: BaseException) -> str:
    """An exception as "Type: message", emails masked, cut to the stored length."""
    try:
        message = str(error)
    except Exception:
        message = ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return mask_emails(text)[:ERROR_LENGTH]
