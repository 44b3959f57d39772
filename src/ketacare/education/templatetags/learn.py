"""{% cite "K7" %}: a numbered link to the page's source list. Patients read numbers, as in
any article; the key (the domain file's) stays in the link target for reviewers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def cite(context: dict[str, Any], key: str) -> SafeString:
    keys = [source.key for source in context["sources"]]
    if key not in keys:  # a citation without its source is a bug in the page, not the reader's
        raise template.TemplateSyntaxError(f"{key} is not among this page's sources {keys}")
    return format_html('<a class="cite" href="#source-{}">[{}]</a>', key, keys.index(key) + 1)
