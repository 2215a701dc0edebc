"""The bookshelf's own suite: plain Django tests, knowing nothing of signal_lens."""

from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase, TransactionTestCase

from shelf.models import Book


class ShelvingTests(TestCase):
    def test_a_new_book_is_shelved(self):
        book = Book.objects.create(title="Emma")
        book.refresh_from_db()
        self.assertTrue(book.shelved)

    def test_a_signed_in_reader_adds_a_book(self):
        self.client.force_login(User.objects.create_user("ada"))
        response = self.client.post("/books/", {"title": "Persuasion"})
        self.assertEqual(response.status_code, 201)
        self.assertTrue(Book.objects.get(title="Persuasion").shelved)


class CommittedTests(TransactionTestCase):
    def test_a_login_and_a_save_commit(self):
        User.objects.create_user("bea", password="pw")
        self.assertTrue(self.client.login(username="bea", password="pw"))
        self.client.post("/books/", {"title": "Mansfield Park"})
        self.assertEqual(Book.objects.count(), 1)

    def test_a_schema_change_in_a_test_is_not_blocked(self):
        with connection.schema_editor() as editor:
            editor.execute("CREATE TABLE shelf_note (id integer primary key)")
            editor.execute("DROP TABLE shelf_note")
        self.assertEqual(Book.objects.count(), 0)
