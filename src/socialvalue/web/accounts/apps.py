"""App configuration for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "socialvalue.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from socialvalue.web.audit.registry import audit

        from .models import Membership, Organisation

        audit(Organisation, organisation=lambda o: o, exclude=("created_at",))
        audit(Membership, organisation=lambda m: m.organisation)
