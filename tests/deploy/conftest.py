import os
import runpy
from collections.abc import Callable
from typing import Any

import pytest

from devtools.servers import ROOT


@pytest.fixture
def settings_from_env(monkeypatch, tmp_path) -> Callable[..., dict[str, Any]]:
    """Evaluate site/settings.py afresh with only these DJANGO_* variables, as deployed."""

    def evaluate(**env: str) -> dict[str, Any]:
        for name in [name for name in os.environ if name.startswith("DJANGO_")]:
            monkeypatch.delenv(name)
        monkeypatch.setenv("DJANGO_VAR_DIR", str(tmp_path / "var"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "site" / "settings.py"))

    return evaluate
