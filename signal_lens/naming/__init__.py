"""What the recorder calls signals, senders, receivers and errors, and which of their values it
may keep."""
