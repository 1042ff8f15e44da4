from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    verbose_name = _("Cases")
    name = "cases"
