"""API routes for case studies."""

from ninja import Router

router = Router(tags=["casestudies"])
