import uuid

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def generate_unique_username(self, txts: list[str | None], regex: str | None = None) -> str:
        """A random username: people sign in by email, and two signups at once never collide.

        allauth's own picks a free name by looking first, which two simultaneous signups both
        passed (one then failed on the unique username).
        """
        return uuid.uuid4().hex
