"""The welcome email a new account gets: plain text, sent once its signup has committed."""

from django.core.mail import send_mail
from django.template.loader import render_to_string

SUBJECT = "Welcome to Signal Lab"


def send_welcome(address: str) -> None:
    body = render_to_string("profiles/welcome_email.txt")
    send_mail(subject=SUBJECT, message=body, from_email=None, recipient_list=[address])
