"""Django wiring for minsheng: settings, URLs, WSGI."""
