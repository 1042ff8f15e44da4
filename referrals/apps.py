from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    verbose_name = _("Referrals")
    name = "referrals"

    def ready(self):
        from referrals import signals  # noqa: F401  (connects the grant resync)
