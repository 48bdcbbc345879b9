"""API routes for dashboard."""

from ninja import Router

router = Router(tags=["dashboard"])
