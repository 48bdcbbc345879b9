"""Schemas shared by every API router."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str | list | dict
