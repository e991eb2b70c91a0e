"""The password reset email: written to the outbox, never sent inside the request."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale, gettext

from lms.auth.services import make_reset_request
from lms.db import db
from lms.mail.outbox import queue_mail
from lms.urls import external_url


def queue_reset_email(email: str, *, secret_key: str, max_age: int, language: str,
                      now: datetime) -> int | None:
    """Queue a reset link for the account using ``email``; the message id, or None when no
    account uses it. The caller answers the same either way.

    The email is in the account's language (``language``, the page's, when it has none) and
    expires with its link, so an outage longer than that never delivers a dead link.
    """
    reset = make_reset_request(email, secret_key=secret_key)
    if reset is None or not reset.user.email:
        return None
    link = external_url("lms.auth.reset_password", token=reset.token)
    with force_locale(reset.user.language or language):
        subject = gettext("Reset your password")
        body = gettext(
            "Hello %(name)s,\n\nto choose a new password, open this link within "
            "%(minutes)d minutes:\n\n%(link)s\n\nIf you did not ask for it, ignore "
            "this message.",
            name=reset.user.display_name, minutes=max_age // 60, link=link,
        )
    message = queue_mail(to=reset.user.email, subject=subject, body=body, now=now,
                         user_id=reset.user.id, expires_at=now + timedelta(seconds=max_age))
    db.session.commit()
    return message.id
