"""Scratch PostgreSQL databases for benchmarks (created afresh, dropped by the caller)."""

from __future__ import annotations


def pg_url(base: str, name: str) -> str:
    """`base` (a server URL) pointing at database `name`."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_pg(base: str, name: str) -> str:
    """Drop and create database `name` on the server of `base`; return its URL."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url(base, name)
