"""API routes for planning."""

from ninja import Router

router = Router(tags=["planning"])
