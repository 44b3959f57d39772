"""The JSON API (django-ninja): the same services and access gate as the pages."""
