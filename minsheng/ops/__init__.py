"""Running the platform: the production web server, the background worker, the health check."""
