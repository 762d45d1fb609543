"""Django admin's app config, with peerlearn's operator-only site as the default site.

Kept apart from `admin_site` because INSTALLED_APPS imports this module before the
models are loaded; the site class is named by its path and loaded later.
"""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "peerlearn.people.admin_site.OperatorAdminSite"
