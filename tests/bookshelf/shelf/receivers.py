def shelve(sender, instance, created, raw, **kwargs):
    """A signal receiver which puts each new book on the shelf."""
    if created and not raw:
        sender.objects.filter(pk=instance.pk).update(shelved=True)
