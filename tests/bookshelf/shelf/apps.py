from django.apps import AppConfig


class ShelfConfig(AppConfig):
    name = "shelf"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from shelf.models import Book
        from shelf.receivers import shelve

        post_save.connect(shelve, sender=Book, dispatch_uid="shelf.shelve")
