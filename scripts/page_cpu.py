"""CPU, wall time and queries of each page of `yzyh bench scale`'s mix, in one process (Django's
test client, the bench's personas, 5 warm requests a page) — to see which pages cost what on a
bench city, apart from the concurrency of `yzyh bench scale --clients`.

    DATABASE_URL=postgres://…/<bench city> REDIS_URL=… YZYH_DATA_DIR=<its data dir> \\
        .venv/bin/python scripts/page_cpu.py [part of a page name]
"""

import logging
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from yizuyihui.insights import bench_scale  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "5"))


def main(only: str = "") -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)
    people, pages = bench_scale.bench_pages(bench_scale._load_state())
    for page, scope, who, url in pages:
        if only and only not in page:
            continue
        client = Client()
        if who:
            client.force_login(people[who])
        client.get(url)  # warm: caches, the session's posts
        cpu = wall = 0.0
        for _ in range(REPEAT):
            t0, w0 = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as q:
                response = client.get(url)
            cpu += time.process_time() - t0
            wall += time.perf_counter() - w0
        sql = sum(float(x["time"]) for x in q.captured_queries)
        print(f"{page:<30} {scope:<9} {response.status_code} cpu {cpu / REPEAT * 1000:6.1f} ms "
              f"wall {wall / REPEAT * 1000:6.1f} ms  queries {len(q.captured_queries):3d} "
              f"sql {sql * 1000:6.1f} ms  bytes {len(response.content)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
