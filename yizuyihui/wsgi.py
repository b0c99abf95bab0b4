import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")
django.setup(set_prefix=False)

from yizuyihui.core.wsgi import Application  # noqa: E402  (needs the apps loaded)

application = Application()
