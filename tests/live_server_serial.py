"""The live server answers one request at a time when the test database is in-memory SQLite.

Django hands that database's single connection to every thread of the live server, so a page
whose charts the browser fetches at once interleaved statements on one cursor ("table is
locked", "bad parameter or other API misuse", a session store half read). A file database and
PostgreSQL give each thread its own connection and keep serving in parallel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.test.testcases import LiveServerThread

_ONE_AT_A_TIME = threading.Lock()


class _Released:
    """The response, holding the lock until the server has sent it and closed it (wsgiref
    closes the result on success and on a dropped connection)."""

    def __init__(self, result: Iterable[bytes]) -> None:
        self.result = result

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            _ONE_AT_A_TIME.release()


def _serialised(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        _ONE_AT_A_TIME.acquire()
        try:
            return _Released(app(environ, start_response))
        except BaseException:
            _ONE_AT_A_TIME.release()
            raise

    return one_at_a_time


_create_server = LiveServerThread._create_server


def _create_serialised_server(self: LiveServerThread, connections_override: Any = None) -> Any:
    server = _create_server(self, connections_override)
    if connections_override:  # only in-memory SQLite connections are shared (Django)
        set_app = server.set_app
        server.set_app = lambda app: set_app(_serialised(app))
    return server


LiveServerThread._create_server = _create_serialised_server  # type: ignore[method-assign]
