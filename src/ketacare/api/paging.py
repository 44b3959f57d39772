"""One way to page every list: `limit` and `offset` in, `items`, `count` and `next` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip")


class Page[T](Schema):
    items: list[T]
    count: int = Field(description="How many items there are in all")
    next: str | None = Field(description="URL of the next page; null on the last page")


def page(request: HttpRequest, rows: Sequence[Any], count: int, query: PageQuery) -> dict[str, Any]:
    """The page's body; `next` keeps the request's other query parameters."""
    following = None
    if query.offset + len(rows) < count:
        params = request.GET.copy()
        params["limit"], params["offset"] = str(query.limit), str(query.offset + query.limit)
        following = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"items": list(rows), "count": count, "next": following}
