"""Send one invalid input through a page and through the API, and compare the refusals.

The page must show the reason (next to its field, above the form, or as a message after a
redirect) and the API must refuse with 400 or 409 and a `detail` holding the same sentence.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import bearer


@dataclass
class Case:
    """One invalid input: the page request and the API request that carry it, and the reason."""

    name: str
    reason: str
    page: tuple[str, dict] | None
    api: tuple[str, str, dict] | None
    api_status: int = 400
    #: The page's status when it answers without a message (a 404 for what cannot be changed).
    page_status: int | None = None
    page_user: str = "admin"
    api_user: str = "admin"
    files: dict[str, Any] = field(default_factory=dict)


def _visible_text(content: bytes) -> str:
    text = re.sub(r"<[^>]+>", " ", content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def page_refusal(client, user, url: str, data: dict) -> tuple[int, str]:
    client.force_login(user)
    response = client.post(url, data, follow=True)
    return response.status_code, _visible_text(response.content)


def api_refusal(client, user, method: str, url: str, body: dict) -> tuple[int, list[str]]:
    if method == "multipart":
        response = client.post(url, body, **bearer(user))
    else:
        send: Callable = getattr(client, method.lower())
        response = send(url, json.dumps(body), content_type="application/json", **bearer(user))
    return response.status_code, list(_messages(response.json().get("detail")))


def _messages(detail: Any):
    if isinstance(detail, str):
        yield detail
    elif isinstance(detail, dict):
        for value in detail.values():
            yield from _messages(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from _messages(value)


def check(client, case: Case, users: dict[str, Any], values: dict[str, Any]) -> None:
    """Both ways refuse `case`, with its reason; `values` fills the ids into its URLs and bodies."""
    if case.page is not None:
        url, data = case.page
        status, text = page_refusal(
            client, users[case.page_user], url.format(**values), _fill(data, values)
        )
        if case.page_status is not None:
            assert status == case.page_status
        else:
            assert case.reason in text, f"the page does not say: {case.reason}"
    if case.api is not None:
        method, url, body = case.api
        status, messages = api_refusal(
            client, users[case.api_user], method, url.format(**values), _fill(body, values)
        )
        assert status == case.api_status, messages
        assert any(case.reason in m for m in messages), messages


def _fill(data: Any, values: dict[str, Any]) -> Any:
    """Put the ids made for the test in place of `{name}` strings anywhere in a body."""
    if isinstance(data, str):
        if re.fullmatch(r"\{\w+\}", data):
            return values[data[1:-1]]
        return data.format(**values)
    if isinstance(data, dict):
        return {k.format(**values): _fill(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill(v, values) for v in data]
    return data
