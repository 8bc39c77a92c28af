"""A throwaway PostgreSQL database for a benchmark: created before the run, dropped after."""

import contextlib
import os
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

SERVER = "postgres://postgres@127.0.0.1:5432"


def admin_sql(url: str, statement: str) -> None:
    """Run one statement on the server's `postgres` database, outside any transaction."""
    import psycopg

    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


@contextlib.contextmanager
def database(url: str, *, prefix: str) -> Iterator[str]:
    """Yield `url` as given, or, when it is empty, a new database dropped when the run ends."""
    if url:
        yield url
        return
    url = f"{SERVER}/{prefix}_{os.getpid()}"
    name = urlsplit(url).path.lstrip("/")
    print(f"creating database {name}", file=sys.stderr, flush=True)
    admin_sql(url, f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        print(f"dropping database {name}", file=sys.stderr, flush=True)
        admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
