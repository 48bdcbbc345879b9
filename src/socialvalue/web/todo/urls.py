"""URLs for the to-do list."""

from django.urls import path

from . import views

app_name = "todo"

urlpatterns = [path("to-do/", views.todo_list, name="list")]
