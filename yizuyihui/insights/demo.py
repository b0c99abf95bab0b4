"""Last of the demo steps (insights comes after every app with a demo): rebuild every rollup from the
year of history the other apps made.

Without it the worker found ~13,500 panel buckets queued when `yzyh demo` started serving and drained
them in 200-bucket write transactions for minutes; on SQLite that held the one write lock and the
first logins failed with "database is locked"."""

from __future__ import annotations


def generate(*, seed: int, progress) -> None:
    from yizuyihui.insights.rebuilds import rebuild_all

    rebuild_all(progress=lambda n: progress("rollups", n if isinstance(n, int) else 0))
