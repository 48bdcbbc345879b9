"""URLs for the home page and the glossary."""

from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("glossary/", views.glossary_page, name="glossary"),
]
