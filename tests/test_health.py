import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.web.redis_health import configured_urls


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(_db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


CLOSED_PORT = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


def test_healthz_reports_redis_when_configured_but_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", CLOSED_PORT)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "redis": "unreachable"}


def test_the_redis_urls_come_from_the_limiter_and_the_cache():
    assert configured_urls({"RATELIMIT_STORAGE_URI": "memory://", "CACHE_TYPE": "SimpleCache"}) == ()
    both = {
        "RATELIMIT_STORAGE_URI": "redis://r:6379/0",
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": "redis://r:6379/1",
    }
    assert configured_urls(both) == ("redis://r:6379/0", "redis://r:6379/1")
    assert configured_urls(both | {"CACHE_REDIS_URL": "redis://r:6379/0"}) == ("redis://r:6379/0",)
    assert configured_urls(both | {"CACHE_TYPE": "NullCache"}) == ("redis://r:6379/0",)
