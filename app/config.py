"""Configuration: these defaults, then instance/config.py, then CRM_* environment variables.

CRM_DATABASE_URL, CRM_SECRET_KEY and CRM_SECURE_COOKIES are the ones a deployment sets.
"""
import secrets
from datetime import timedelta
from pathlib import Path


class Defaults:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    SESSION_IDLE = timedelta(minutes=30)  # a session ends after this long without a request
    SESSION_MAX = timedelta(hours=8)  # and this long after its login, whatever
    WTF_I18N_ENABLED = False  # use WTForms' bundled Chinese messages (app.forms.Form)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    PAGE_SIZE = 20
    STALE_CONTACT_DAYS = 30  # 久未联系: targets not contacted for this many days
    # The password, session and second-factor policy: defaults the security admin changes at run
    # time within 等保 level 3 bounds (app/auth/policy.py).
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_MIN_CLASSES = 3  # of upper case, lower case, digit, other
    TOTP_REQUIRED_ROLES = ()  # roles that must log in with a second factor, e.g. ("admin", "security_admin")
    PASSWORD_MAX_AGE = timedelta(days=90)  # a password older than this is changed at the next request
    PASSWORD_HISTORY = 5  # a new password may not be one of the last this many
    LOGIN_MAX_FAILURES = 5  # failures on a name before each next attempt waits (app/auth/services.py)
    LOGIN_BACKOFF = timedelta(seconds=30)  # the first wait, doubling with each further failure
    LOGIN_LOCKOUT = timedelta(minutes=15)  # the longest wait
    LOGIN_WINDOW = timedelta(hours=1)  # failures older than this no longer count
    LOGIN_MAX_PER_ADDRESS = 30  # failures from one address, on any names, within the window
    PROXY_COUNT = 0  # reverse proxies in front (CRM_PROXY_COUNT=1 behind nginx) to trust X-Forwarded-*
    QUEUE_URL = None  # the task queue (app/jobs.py); None: instance/queue.sqlite
    # Cookies only over HTTPS. `make run` (plain HTTP on 127.0.0.1) and an intranet without TLS
    # turn this off with CRM_SECURE_COOKIES=false; it is off under debug and in tests anyway.
    SECURE_COOKIES = True
    # The API's description (flask-smorest, app/api): OpenAPI 3.1 at /api/v1/openapi.json, read by
    # the page at /api/docs (a vendored Swagger UI).
    API_TITLE = "招商引资项目管理平台 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Hosts webhooks may call (patterns: "*.gov.cn", "10.12.*", "platform.example"); none by default,
    # so that no address can be registered until the installation names its partners.
    WEBHOOK_HOSTS: tuple[str, ...] = ()
    API_RATE_LIMIT = "600 per minute"  # calls to /api/ per token (or address); beyond it 429 with Retry-After
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # per app process; a shared store (redis://…) makes it per installation
    API_SPEC_OPTIONS = {
        "info": {"description": "上级平台和其他系统按令牌（Authorization: Bearer …）或登录会话调用；数据范围与页面相同。"},
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                          "description": "在“API 令牌”页面创建的令牌"}}},
    }
    AUDIT_KEEP_DAYS = 3 * 365  # the audit log is archived no younger than this (never under 180 days)
    # The daily digest goes through the bureau's own SMTP server; no server, no mail (the bell
    # still tells). CRM_MAIL_SERVER, CRM_MAIL_PORT, CRM_MAIL_FROM … set it.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "zhaoshang@localhost"
    # Files (app/storage.py): the folder instance/uploads (or UPLOAD_FOLDER), or an S3-compatible
    # store (MinIO) shared by every node: s3://BUCKET[/PREFIX]?endpoint=http://HOST:9000.
    STORAGE_URL = None
    S3_ACCESS_KEY = None
    S3_SECRET_KEY = None
    QUEUE_WORKERS = 2  # queue worker threads in each web process; 0 when `flask jobs worker` runs them


def finish(config, instance_path: str) -> None:
    """Derive the settings that depend on others once every source has been read."""
    config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        config.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'crm.sqlite'}",
    )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The pages run many short queries; PostgreSQL's JIT compiler spent ~20 ms compiling each
        # aggregate whose estimated cost passed its threshold, more than the query itself took.
        # With the default 4 MB of work memory, the index bitmap of a common search term in a
        # country (125,000 names) went lossy and every row of 3,000 blocks was checked again.
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"options": "-c jit=off -c work_mem=32MB", **options.get("connect_args", {})}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config.get("SECURE_COOKIES") and not config.get("DEBUG") and not config.get("TESTING"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(Path(instance_path))


def _instance_secret(instance: Path) -> str:
    """A per-installation key kept in instance/ (never in git) when CRM_SECRET_KEY is not set.

    Production with several app servers must set CRM_SECRET_KEY so that all share one key.
    """
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
