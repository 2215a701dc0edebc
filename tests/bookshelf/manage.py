#!/usr/bin/env python
"""A small project of someone else's, with signal_lens installed: its suite must not notice."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
