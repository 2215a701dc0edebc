from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class MemberManager(BaseUserManager["Member"]):
    def create_user(self, email: str, password: str | None = None) -> "Member":
        member = self.model(email=self.normalize_email(email))
        member.set_password(password)
        member.save(using=self._db)
        return member


class Member(AbstractBaseUser):
    """The host's own user model: signs in with an email, has no username and no staff flag."""

    email = models.EmailField(unique=True)
    joined = models.DateTimeField(auto_now_add=True)

    objects = MemberManager()

    USERNAME_FIELD = "email"
