"""The issue's own deployment check, run exactly as an operator would."""

import os
import secrets
import subprocess
import sys

from devtools.servers import ROOT


def test_deploy_check_passes_with_the_production_variables(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env |= {
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "true",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "signal-lab.example.com",
        "DJANGO_MAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    check = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
