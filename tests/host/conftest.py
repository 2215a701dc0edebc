import pytest

from signal_lens.store import writer


@pytest.fixture(autouse=True)
def feed_written():
    """No test's events may be written into the next one's."""
    yield
    writer.flush()


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("ada@example.com", password="engine-analytical")
