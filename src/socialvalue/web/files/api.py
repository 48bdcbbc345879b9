"""API routes for files."""

from ninja import Router

router = Router(tags=["files"])
