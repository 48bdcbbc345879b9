"""Background work shared by every area: sending email, and the daily clean-up and upkeep jobs.

Other areas send mail with `send_email_later(...)`: the message goes out from a worker once the
caller's transaction commits, so a slow or failing mail server never holds up a page, and no mail
goes out about a change that was rolled back. Tests run it at once (the queue's immediate mode);
inside a test's transaction, capture it with pytest-django's `django_capture_on_commit_callbacks`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from socialvalue.web.accounts.models import LoginFailure

log = logging.getLogger(__name__)

#: Sign-in failures older than this are no use to throttling (its window is minutes) and are deleted.
LOGIN_FAILURE_KEEP = timedelta(days=30)


# A mail server that is down for a while should not lose the message: try again for about an hour.
@db_task(retries=6, retry_delay=600)
def send_email(
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html_body: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one message through Django's email backend (EMAIL_BACKEND and its settings)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to or []),
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


def send_email_later(
    subject: str,
    body: str,
    to: list[str] | str,
    *,
    from_email: str | None = None,
    html_body: str | None = None,
    reply_to: list[str] | None = None,
) -> None:
    """Queue one message, to be sent by a worker once the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    transaction.on_commit(
        lambda: send_email(
            subject, body, recipients, from_email=from_email, html_body=html_body, reply_to=reply_to
        )
    )


@db_periodic_task(crontab(minute="0", hour="3"))
def clear_expired_sessions() -> None:
    """Daily: what `manage.py clearsessions` does, for the session engine in use."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@db_periodic_task(crontab(minute="10", hour="3"))
def delete_old_login_failures() -> int:
    """Daily: sign-in failure records older than 30 days."""
    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - LOGIN_FAILURE_KEEP).delete()
    return deleted


@db_periodic_task(crontab(minute="50", hour="3"))
def refresh_statistics() -> None:
    """Daily: the statistics SQLite's query planner chooses its indexes by.

    Without them SQLite guesses, and may read 200 000 rows through an organisation's index to
    check 20 records by id. A sampled ANALYZE (`analysis_limit`) takes well under a second however
    large the tables. PostgreSQL's autovacuum keeps its own statistics.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
