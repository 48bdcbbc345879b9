"""API routes for commissioning."""

from ninja import Router

router = Router(tags=["commissioning"])
