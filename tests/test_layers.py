"""The layers of signal_lens, held by import-linter (pyproject.toml), which `make test` runs: a
layer that imports one above it, or a sibling it must not know, fails the build."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tmp_path: Path, module: str = "", line: str = "") -> subprocess.CompletedProcess:
    """import-linter on a copy of signal_lens, with `line` added to the end of `module`."""
    copy = tmp_path / "signal_lens"
    shutil.copytree(ROOT / "signal_lens", copy, ignore=shutil.ignore_patterns("__pycache__"))
    if module:
        path = copy / module
        path.write_text(f"{path.read_text()}\n{line}\n")
    return subprocess.run(
        [LINT_IMPORTS, "--config", ROOT / "pyproject.toml", "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},  # The copy, not the installed package.
        capture_output=True,
        text=True,
    )


def test_the_package_keeps_its_layers(tmp_path):
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "store/writer.py",
            "from signal_lens.pages import views",
            "store.writer -> signal_lens.pages",
        ),
        (
            "naming/privacy.py",
            "from signal_lens.store import reads",
            "privacy -> signal_lens.store",
        ),
        ("live/hub.py", "from signal_lens.recording import chains", "hub -> signal_lens.recording"),
        ("models.py", "from signal_lens.insight import skips", "models -> signal_lens.insight"),
    ],
)
def test_an_import_against_the_layers_fails(tmp_path, module, line, broken):
    result = lint_imports(tmp_path, module, line)
    assert result.returncode == 1
    assert broken in result.stdout
