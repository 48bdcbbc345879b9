"""API routes for sroi analyses."""

from ninja import Router

router = Router(tags=["analyses"])
