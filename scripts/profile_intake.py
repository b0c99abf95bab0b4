"""CPU profile of warm API filings in one process (Django test client → the whole middleware stack).

    DATABASE_URL=postgres://… REDIS_URL=redis://… PYTHONPATH=. python scripts/profile_intake.py KEY [N] [OUT]

KEY: an API key of a user who may file for unit 1 (`yzyh bench intake --url … --prepare --clients ""`
prints one). Prints the CPU per filing (client and server together) and writes a cProfile of N
filings (default 300, after 30 untimed) measured with `time.process_time` to OUT.
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402


def main() -> None:
    key = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    out = sys.argv[3] if len(sys.argv) > 3 else "intake.prof"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"unit_id": 1, "description": "小区东门的路灯坏了一周，晚上很黑，老人出行不便。"}

    def one(i: int) -> None:
        r = client.post("/api/cases/", json.dumps({**body, "title": f"路灯不亮 {i}"}), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
        assert r.status_code == 201, (r.status_code, r.content)

    for i in range(30):
        one(i)
    profile = cProfile.Profile(time.process_time)
    start = time.process_time()
    profile.enable()
    for i in range(n):
        one(i)
    profile.disable()
    print(f"CPU per filing (client + server, in-process, profiled): {(time.process_time() - start) / n * 1000:.2f} ms")
    profile.dump_stats(out)


if __name__ == "__main__":
    main()
