"""API routes for evidence."""

from ninja import Router

router = Router(tags=["evidence"])
