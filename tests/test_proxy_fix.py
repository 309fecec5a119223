"""Behind nginx: the X-Forwarded-* headers count only when PROXY_FIX_X_* says how many proxies set them."""

from flask import request

from config import TestingConfig
from strategitracker import create_app

HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7, 203.0.113.9"}


def _seen(config) -> dict:
    app = create_app(config)

    @app.get("/_seen")
    def seen():
        return {"scheme": request.scheme, "remote_addr": request.remote_addr}

    return (
        app.test_client().get("/_seen", headers=HEADERS, environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()
    )


def test_forwarded_headers_are_ignored_by_default():
    assert _seen(TestingConfig) == {"scheme": "http", "remote_addr": "127.0.0.1"}


def test_one_trusted_proxy():
    class BehindNginx(TestingConfig):
        PROXY_FIX_X_FOR = 1
        PROXY_FIX_X_PROTO = 1

    # only the address nginx itself added counts: a client cannot pose as another by sending the header
    assert _seen(BehindNginx) == {"scheme": "https", "remote_addr": "203.0.113.9"}
