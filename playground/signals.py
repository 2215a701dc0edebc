from django.dispatch import Signal

# Sent by the playground with `visitor` and `fail` (bool): one receiver refuses when fail=True.
experiment = Signal()
# Sent once a saved sandbox note's transaction has committed, with `note`.
note_committed = Signal()
