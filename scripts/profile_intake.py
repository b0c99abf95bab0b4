"""CPU profile of warm API filings in one process, through the WSGI application gunicorn serves
(`yizuyihui.wsgi.application`, so the key-authenticated API's own middleware chain).

    DATABASE_URL=postgres://… REDIS_URL=redis://… PYTHONPATH=. python scripts/profile_intake.py KEY [N] [OUT]

KEY: an API key of a user who may file for unit 1 (`yzyh bench intake --url … --prepare --clients ""`
prints one). Prints the CPU per filing (client and server together) and writes a cProfile of N
filings (default 300, after 30 untimed) measured with `time.process_time` to OUT.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")

import django  # noqa: E402

django.setup()

from yizuyihui.wsgi import application  # noqa: E402


def main() -> None:
    key = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    out = sys.argv[3] if len(sys.argv) > 3 else "intake.prof"
    body = {"unit_id": 1, "description": "小区东门的路灯坏了一周，晚上很黑，老人出行不便。"}

    def one(i: int) -> None:
        data = json.dumps({**body, "title": f"路灯不亮 {i}"}).encode()
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/cases/", "QUERY_STRING": "", "SERVER_NAME": "localhost",
                   "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data)), "CONTENT_TYPE": "application/json",
                   "HTTP_HOST": "localhost", "HTTP_AUTHORIZATION": f"Bearer {key}",
                   "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex, "REMOTE_ADDR": "127.0.0.1"}
        status = []
        b"".join(application(environ, lambda s, h, *a: status.append(s)))
        assert status[0].startswith("201"), status

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
