import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerlearn.config.settings")
application = get_wsgi_application()

# While this process serves, `peerlearn restore` refuses to replace its database.
from peerlearn.operations.in_use import hold_data_folder  # noqa: E402

hold_data_folder()
