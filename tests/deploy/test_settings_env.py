"""What each DJANGO_* variable of a deployment turns on; the local defaults stay plain."""

YEAR = 365 * 24 * 3600
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_a_local_run_serves_plain_http(settings_from_env):
    local = settings_from_env()
    assert not local["SECURE_SSL_REDIRECT"] and local["SECURE_HSTS_SECONDS"] == 0
    assert not local["SESSION_COOKIE_SECURE"] and not local["CSRF_COOKIE_SECURE"]


def test_https_redirects_and_secures_cookies(settings_from_env):
    https = settings_from_env(DJANGO_HTTPS="true")
    assert https["SECURE_SSL_REDIRECT"]
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]


def test_https_asks_browsers_for_https_for_a_year(settings_from_env):
    assert settings_from_env(DJANGO_HTTPS="true")["SECURE_HSTS_SECONDS"] == YEAR


def test_hsts_duration_is_configurable(settings_from_env):
    https = settings_from_env(DJANGO_HTTPS="true", DJANGO_HSTS_SECONDS="3600")
    assert https["SECURE_HSTS_SECONDS"] == 3600


def test_hsts_preload_only_when_asked(settings_from_env):
    assert not settings_from_env(DJANGO_HTTPS="true")["SECURE_HSTS_PRELOAD"]
    assert settings_from_env(DJANGO_HTTPS="true", DJANGO_HSTS_PRELOAD="true")["SECURE_HSTS_PRELOAD"]


def test_proxy_ssl_header_names_the_forwarded_header(settings_from_env):
    proxied = settings_from_env(DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_no_proxy_header_is_trusted_by_default(settings_from_env):
    assert "SECURE_PROXY_SSL_HEADER" not in settings_from_env()


def test_smtp_mail_is_configured_by_environment(settings_from_env):
    mail = settings_from_env(
        DJANGO_MAIL_BACKEND=SMTP,
        DJANGO_SMTP_HOST="smtp.example.com",
        DJANGO_SMTP_PORT="2525",
        DJANGO_SMTP_USER="lab",
        DJANGO_SMTP_PASSWORD="s3cret",
        DJANGO_SMTP_TLS="true",
    )["MAILERS"]["default"]
    assert mail["BACKEND"] == SMTP
    assert mail["OPTIONS"] | {"timeout": None} == {
        "host": "smtp.example.com",
        "port": 2525,
        "username": "lab",
        "password": "s3cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": None,
    }


def test_local_mail_goes_to_the_console(settings_from_env):
    mail = settings_from_env()["MAILERS"]["default"]
    assert mail == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_allauth_rate_limits_are_kept_unless_set(settings_from_env):
    limits = settings_from_env()["ACCOUNT_RATE_LIMITS"]
    assert limits.keys().isdisjoint({"signup", "login", "login_failed"})


def test_per_ip_rate_limits_are_adjustable(settings_from_env):
    limits = settings_from_env(
        DJANGO_RATE_LIMIT_SIGNUP="200/m/ip",
        DJANGO_RATE_LIMIT_LOGIN="300/m/ip",
        DJANGO_RATE_LIMIT_LOGIN_FAILED="100/m/ip,5/300s/key",
    )["ACCOUNT_RATE_LIMITS"]
    assert (
        limits
        | {
            "signup": "200/m/ip",
            "login": "300/m/ip",
            "login_failed": "100/m/ip,5/300s/key",
        }
        == limits
    )


def test_media_storage_is_configurable(settings_from_env):
    storages = settings_from_env(
        DJANGO_MEDIA_STORAGE="storages.backends.s3.S3Storage",
        DJANGO_MEDIA_STORAGE_OPTIONS='{"bucket_name": "avatars"}',
    )["STORAGES"]
    assert storages["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "avatars"},
    }


def test_redis_keys_carry_a_prefix(settings_from_env):
    caches = settings_from_env(
        DJANGO_REDIS_URL="redis://127.0.0.1:6379/3", DJANGO_REDIS_KEY_PREFIX="workshop"
    )["CACHES"]
    assert caches["default"]["KEY_PREFIX"] == "workshop"


def test_postgresql_connections_come_from_a_pool_of_the_configured_size(settings_from_env):
    database = settings_from_env(
        DJANGO_DATABASE_URL="postgres://site@127.0.0.1:5432/site", DJANGO_DB_POOL_SIZE="7"
    )["DATABASES"]["default"]
    assert database["OPTIONS"]["pool"]["max_size"] == 7
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections beside a pool.
