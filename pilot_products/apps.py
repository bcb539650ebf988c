from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotProductsConfig(AppConfig):
    # The app's config even though this module holds a second one (django-axes's).
    default = True
    name = "pilot_products"
    verbose_name = _("Yiwu import pilot")

    def ready(self) -> None:
        from pilot_products import security_log

        security_log.connect_signals()


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a name staff read in their language (it ships no Chinese:
    its model names are translated in this app's catalogue, ``third_party_text``)."""

    default = False
    verbose_name = _("Login protection")
