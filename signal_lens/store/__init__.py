"""The events table: the one write path, pruning, wake-ups after writes, and reading events back."""
