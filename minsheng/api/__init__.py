"""The native JSON API at /api/v1/ (django-ninja): tickets and their workflow for other systems."""
