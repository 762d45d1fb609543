"""Settings for the test suite: the real settings, with a throw-away data folder."""

import os
import tempfile

os.environ.setdefault("PEERLEARN_DATA_DIR", tempfile.mkdtemp(prefix="peerlearn-test-"))
os.environ.setdefault(
    "PEERLEARN_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)

from peerlearn.config.settings import *  # noqa: F403

# Hashing with the real PBKDF2 cost would make every login in the suite take ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", "[::1]"]
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
