"""Whether the Redis servers the app is configured to use (rate limiter, page cache) answer."""

from collections.abc import Mapping
from functools import cache

import redis

TIMEOUT_SECONDS = 1.0


def configured_urls(config: Mapping) -> tuple[str, ...]:
    """The redis:// URLs of the rate limiter's storage and of a RedisCache; none when neither uses Redis."""
    urls = []
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        urls.append(config["RATELIMIT_STORAGE_URI"])
    if config.get("CACHE_TYPE") in ("RedisCache", "flask_caching.backends.RedisCache") and config.get(
        "CACHE_REDIS_URL"
    ):
        urls.append(config["CACHE_REDIS_URL"])
    return tuple(dict.fromkeys(urls))


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)


def reachable(urls: tuple[str, ...]) -> bool:
    try:
        return all(_client(url).ping() for url in urls)
    except (redis.RedisError, OSError):
        return False
