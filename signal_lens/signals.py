"""The feed's own signal: its retention tells other apps which visitors it forgot."""

from django.dispatch import Signal

# Sent after pruning with `visitors`: ids with no event left, whose other rows may go too.
visitors_forgotten = Signal()
