"""Routes of notifications and what an outsider gets from each (see tests/web/test_outsiders.py).

A notification of Alice's is hers alone: Charlie gets 404 for marking it read, on the page and in
the API. The list, the preferences and marking all read only ever reach the caller's own.
"""

from tests.routes import Route


def _alices(w) -> int:
    from socialvalue.web.notifications.models import Kind
    from socialvalue.web.notifications.services import notify

    made = notify(
        Kind.RETURN_DUE,
        [w.admin],
        organisation=w.alice_org,
        title="A return is due",
        link="/",
        key="outsider-test",
    )
    return made[0].id if made else w.admin.notifications.get(key="outsider-test").id


ROUTES: list[Route] = [
    Route(
        "notifications/<int:notification_id>/read/",
        "post",
        url=lambda w: f"/notifications/{_alices(w)}/read/",
    ),
    Route(
        "api/v1/notifications/<notification_id>/read",
        "post",
        url=lambda w: f"/api/v1/notifications/{_alices(w)}/read",
        api=True,
    ),
    Route("notifications/"),
    Route("notifications/read/"),
    Route("notifications/preferences/"),
    Route("notifications/unsubscribe/<str:token>/"),
    Route("api/v1/notifications"),
    Route("api/v1/notifications/read"),
]
