from django.contrib.admin.apps import AdminConfig


class SinergiAdminConfig(AdminConfig):
    """Installs Sinergi's admin site, which opens to the admin role alone."""

    default_site = "agencies.admin_site.SinergiAdminSite"
