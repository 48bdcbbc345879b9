"""API routes for statements."""

from ninja import Router

router = Router(tags=["statements"])
