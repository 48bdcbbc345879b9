"""`GET /api/v1/tasks`: the signed-in person's to-do list across their organisations."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from socialvalue.web.api.schemas import answers

from . import services

router = Router(tags=["to do"])


class TaskOut(Schema):
    kind: str = Field(..., description="What is to be done: " + ", ".join(services.Kind.LABELS))
    label: str
    title: str
    organisation_id: int
    organisation: str
    due: dt.date | None = Field(None, description="When it is due, where it has a date.")
    overdue: bool
    link: str = Field(..., description="The page where the work is done.")


class TasksOut(Schema):
    count: int
    items: list[TaskOut]


@router.get("/tasks", response=answers(TasksOut), summary="Your open to-do items")
def list_tasks(request: HttpRequest):
    """Every open item across your organisations; an item leaves when its work is done."""
    items = services.items_for(request.actor)
    return {"count": len(items), "items": items}
