from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotProductsConfig(AppConfig):
    name = "pilot_products"
    verbose_name = _("Yiwu import pilot")

    def ready(self) -> None:
        from pilot_products import security_log

        security_log.connect_signals()
