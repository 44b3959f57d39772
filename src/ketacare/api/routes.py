"""Which API route a request is for, read by middleware before the handler runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import Resolver404, resolve

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def ninja_operations(view: Callable[..., Any]) -> list[Any] | None:
    """A ninja view's operations (each with its methods and handler), None for another view.
    ninja's view is a closure over its PathView, whose operations list the methods;
    tests/web/test_api_hygiene.py fails if a ninja upgrade moves them."""
    for cell in getattr(view, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list):
            return operations
    return None


def operation_for(request: HttpRequest) -> Any | None:
    """The ninja operation that will answer this request, if one does."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    for operation in ninja_operations(view) or ():
        if request.method in operation.methods:
            return operation
    return None
