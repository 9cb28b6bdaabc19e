from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    """Django's admin, with the back office's site (``backoffice.site``) as ``admin.site``."""

    default_site = "backoffice.site.BackOfficeSite"
