"""Who may register an organisation themselves: read from SOCIALVALUE_REGISTRATION by the settings.

Kept free of models so the settings module can import it.
"""

from __future__ import annotations

OPEN, APPROVAL, CLOSED = "open", "approval", "closed"
POLICIES = (OPEN, APPROVAL, CLOSED)
KINDS = ("provider", "commissioner")
#: Unset: providers register freely; a council's workspace speaks for a public body, so a site
#: administrator approves it first.
DEFAULT = {"provider": OPEN, "commissioner": APPROVAL}


def parse_policy(text: str | None) -> dict[str, str]:
    """`open`, `approval` or `closed` for both kinds, or per kind: `provider=open,commissioner=closed`."""
    text = (text or "").strip().lower()
    if not text:
        return dict(DEFAULT)
    if text in POLICIES:
        return {kind: text for kind in KINDS}
    policy = dict(DEFAULT)
    for part in text.split(","):
        kind, _, value = part.partition("=")
        kind, value = kind.strip(), value.strip()
        if kind not in KINDS or value not in POLICIES:
            raise ValueError(
                f"SOCIALVALUE_REGISTRATION: {part.strip()!r} is not understood; use open, approval, "
                "closed, or pairs such as provider=open,commissioner=approval."
            )
        policy[kind] = value
    return policy
