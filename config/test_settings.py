"""Test settings: the real settings with a fast hasher and no manifest for static files."""

import os

os.environ.setdefault("MINSHENG_NO_DOTENV", "1")  # tests set what they need themselves
os.environ.setdefault("MINSHENG_DEBUG", "0")
os.environ.setdefault("MINSHENG_SECRET_KEY", "test-only-secret-key")

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, CACHES, DATABASES, INSTALLED_APPS, STORAGES

# A programme that exists only in tests declares one of every extension point
# (minsheng/tests/test_extensions.py).
INSTALLED_APPS = [*INSTALLED_APPS, "minsheng.tests.sample_programme"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Numbers drawn inside each test's transaction roll back with it; tests of the production
# path switch this on (tickets/tests/test_numbering.py).
MINSHENG_NUMBERING_OWN_CONNECTION = False
# Tests change keys and catalogues and expect the next request to see it; the per-process
# memory is tested on its own (api/tests/test_remembering.py).
CACHES = {**CACHES, "process": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Static files straight from the apps, without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A file, not the in-memory default: threads of the concurrency tests share it without
# "database table is locked" errors. One per process, so parallel runs do not collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
