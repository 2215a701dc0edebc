from django.dispatch import Signal

# Sent by resize_avatar with the processed avatar's facts: source_format, source_size,
# source_bytes, size, output_bytes and seconds (see avatars.Avatar.facts).
avatar_processed = Signal()
