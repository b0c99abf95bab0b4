"""Settings for the test suite: the real settings with jobs run inline and a throw-away data folder."""

import os
import tempfile

os.environ["YZYH_TESTING"] = "1"
os.environ.setdefault("YZYH_DATA_DIR", tempfile.mkdtemp(prefix="yzyh-test-"))
os.environ.setdefault("AXES_ENABLED", "1")
# No persistent connections in tests: the live server answers each request on a thread of its own,
# and a connection kept open there outlives the test and keeps PostgreSQL from dropping the test
# database ("being accessed by other users").
os.environ.setdefault("DB_CONN_MAX_AGE", "0")

from yizuyihui.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
YZYH_SMS_BACKEND = "yizuyihui.core.sms.MemorySMSBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
