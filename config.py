"""Configuration classes; every setting that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for running the app on one's own machine (embedded SQLite in `instance/`)."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///strategitracker.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite: how long a write waits for another writer before the user is told to try again.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    PORT = int(os.environ.get("PORT", "5000"))

    # Parts of pages kept until the data changes (page_cache.py): in each worker's memory by default;
    # CACHE_TYPE=RedisCache with CACHE_REDIS_URL shares them between workers and instances;
    # NullCache keeps nothing.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_DEFAULT_TIMEOUT = 3600  # a part of an older version is never used again; this frees it
    CACHE_THRESHOLD = int(os.environ.get("CACHE_THRESHOLD", "200"))  # parts per worker (~300 KB each)

    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")

    # Idle time after which a log-in session ends (the session lifetime is refreshed per request).
    IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "60"))
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=IDLE_TIMEOUT_MINUTES)
    SESSION_REFRESH_EACH_REQUEST = True
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14")))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    HSTS = False

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto / -Host (0: headers ignored).
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")

    # Imports: the largest file accepted and the most rows read; the request limit leaves room for the form.
    # The other limits keep any file up to the upload limit within seconds and a few hundred MB of memory
    # (services/imports/limits.py): an .xlsx file's parts unpacked, its distinct texts, the rows of a sheet
    # with the empty ones, and its cells (half as many in a workbook with formulas: it is read twice).
    IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "20")) * 1024 * 1024
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
    IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "100"))
    IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS", "200000"))
    IMPORT_MAX_SHEET_ROWS = int(os.environ.get("IMPORT_MAX_SHEET_ROWS", "200000"))
    IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "500000"))
    MAX_CONTENT_LENGTH = IMPORT_MAX_UPLOAD_BYTES + 256 * 1024

    # npm's packages (package.json): plotly.js's basic bundle for the charts, when installed.
    # Flask-Compress (web/compression.py): text over 1 KB, in the browser's preferred encoding (zstd before
    # Brotli before gzip when it accepts several). For the 225 KB goal page: zstd 0.2 ms; Brotli level 5
    # 2.3 ms for 21 % less than level 3 (0.9 ms), paid once: a chart page is kept compressed, below; gzip
    # level 6 2.1 ms (level 9 is 4× slower for 4 % less).
    COMPRESS_MIN_SIZE = 1024
    COMPRESS_LEVEL = 6
    COMPRESS_BR_LEVEL = 5
    # The compressed body of a page with a tag (the cached chart pages), per reader, page and encoding, kept
    # in a cache of the same CACHE_TYPE: up to this many per worker (some 5 to 35 KB each).
    COMPRESSED_PAGES_THRESHOLD = int(os.environ.get("COMPRESSED_PAGES_THRESHOLD", "500"))
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/plain",
        "text/css",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ]
    NODE_MODULES = os.environ.get("NODE_MODULES", str(PROJECT_ROOT / "node_modules"))
    # Static files with their compressed versions, built at start-up (web/static_files.py); default
    # instance/static-build.
    STATIC_BUILD_FOLDER = os.environ.get("STATIC_BUILD_FOLDER")

    # E-mail (Flask-Mailman over SMTP). Links in e-mails start with BASE_URL, whatever host a request came on.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "strategitracker@localhost")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Days an item may be late before the goal's owner (or the facilitators) are told.
    REMINDER_ESCALATION_DAYS = int(os.environ.get("REMINDER_ESCALATION_DAYS", "14"))
    # Contact persons of business inquiries are blanked this many months after the inquiry came in
    # (`flask inquiries anonymise`, run daily with the reminders).
    INQUIRY_RETENTION_MONTHS = int(os.environ.get("INQUIRY_RETENTION_MONTHS", "24"))
    # the working day when answer times are counted in working hours ("00:00-00:00": the whole day)
    INQUIRY_WORKING_DAY = os.environ.get("INQUIRY_WORKING_DAY", "08:00-16:00")

    # Personal data (docs/privacy.md): days until `flask privacy purge` removes IP addresses from the audit
    # log and workshop guests' names; the site-wide links to the privacy notice (or a short text) and the
    # accessibility statement, shown where an organisation has not set its own.
    PRIVACY_AUDIT_IP_DAYS = int(os.environ.get("PRIVACY_AUDIT_IP_DAYS", "180"))
    PRIVACY_GUEST_NAME_DAYS = int(os.environ.get("PRIVACY_GUEST_NAME_DAYS", "180"))
    PRIVACY_NOTICE_URL = os.environ.get("PRIVACY_NOTICE_URL")
    PRIVACY_NOTICE_TEXT = os.environ.get("PRIVACY_NOTICE_TEXT")
    ACCESSIBILITY_STATEMENT_URL = os.environ.get("ACCESSIBILITY_STATEMENT_URL")

    # werkzeug's scrypt by default; tests use a cheap method to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"


class TestingConfig(Config):
    """Settings for pytest: the database named by DATABASE_URL, else a throw-away SQLite file."""

    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    # The limiter is set up (so its storage exists) but switched off; throttling tests switch it on.
    RATELIMIT_ENABLED = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


class ProductionConfig(Config):
    """Settings for a real installation: secure cookies, HSTS and a secret key that must be given."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            raise RuntimeError("SECRET_KEY must be set in production (ProductionConfig).")
        self.SECRET_KEY = secret
