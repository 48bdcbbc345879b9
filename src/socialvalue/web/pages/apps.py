"""App configuration for the home page; registers the core navigation entries."""

from django.apps import AppConfig

from socialvalue.web import navigation


class PagesConfig(AppConfig):
    name = "socialvalue.web.pages"
    label = "pages"

    def ready(self) -> None:
        navigation.add("Home", "pages:home", order=0)
        navigation.add("Organisation", "accounts:organisation", order=80, menu="account")
        navigation.add("Members", "accounts:members", order=81, menu="account")
        navigation.add(
            "Audit trail", "audit:trail", order=82, shown=navigation.is_admin, menu="account"
        )
        navigation.add("API tokens", "accounts:tokens", order=90, menu="account")
