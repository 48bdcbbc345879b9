"""API routes for contracts."""

from ninja import Router

router = Router(tags=["contracts"])
