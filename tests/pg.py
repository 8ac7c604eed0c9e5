"""PostgreSQL for the tests: the server scripts/postgres.sh started ($NEWSBOT_TEST_POSTGRES_URL), one
fresh schema per test so tests never see each other's rows."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

URL_ENV = "NEWSBOT_TEST_POSTGRES_URL"
REQUIRE_ENV = "NEWSBOT_REQUIRE_POSTGRES"  # set by .ci/run: no server is then a failure, not a skip


def server_url() -> str:
    """Return the test server's URL, or skip (fail under .ci/run) when there is none."""
    url = os.environ.get(URL_ENV, "")
    if not url:
        message = f"{URL_ENV} is not set: `make test` starts a PostgreSQL server (scripts/postgres.sh run)"
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Create an empty schema; yield a URL whose connections use it; drop it after."""
    import psycopg

    base = server_url()
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={name},public')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")
