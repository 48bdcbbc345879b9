"""Django email settings from one URL (EMAIL_URL), so an operator configures mail in one variable.

smtp://user:pass@host:port      plain SMTP (port 25)
smtp+tls://user:pass@host:port  SMTP upgraded with STARTTLS (port 587)
smtps://user:pass@host:port     SMTP over implicit TLS (port 465)
console://                      print messages to standard output (development only)

The glue is written here rather than taken from dj-email-url because that library reads
`smtps://` as STARTTLS, the opposite of what the scheme means everywhere else.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_SMTP_PORTS = {"smtp": 25, "smtp+tls": 587, "smtps": 465}


def email_settings(url: str) -> dict[str, object]:
    """The EMAIL_* settings that `url` stands for; ImproperlyConfigured (one line) when it is wrong."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if scheme not in _SMTP_PORTS:
        raise ImproperlyConfigured(
            f"EMAIL_URL has the unknown scheme {scheme or '(none)'!r}: "
            "use smtp://, smtp+tls://, smtps:// or console://."
        )
    try:
        port = parts.port or _SMTP_PORTS[scheme]
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host, e.g. smtp+tls://user:pass@host:587.")
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        # Percent-encoding lets a password hold @, : or /.
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtps",
        # Without a timeout a stalled mail server would hold a web worker for ever.
        "EMAIL_TIMEOUT": 15,
    }
