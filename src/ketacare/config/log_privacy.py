"""Keep query strings out of the server's logs: a search term or a mistyped value there can be
a patient's name. (django-axes already masks the login name and address in its warnings.)"""

from __future__ import annotations

import logging
import re

QUERY_STRING = re.compile(r"\?[^\s\"']*")


def without_query(value: object) -> object:
    return QUERY_STRING.sub("", value) if isinstance(value, str) else value


class DropQueryStrings(logging.Filter):
    """Cuts `?...` from the request line the development server logs (and any other URL
    passed as an argument); the path stays, so the log still says what was asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(arg) for arg in record.args)
        elif not record.args:
            record.msg = without_query(record.msg)
        return True
