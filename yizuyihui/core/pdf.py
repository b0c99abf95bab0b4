"""Chinese PDF documents (WeasyPrint), laid out once per version and kept in the data folder.

The templates set `lang="zh-CN"` and an explicit "Noto Sans/Serif CJK SC": without them fontconfig
picks Japanese glyph forms for the shared Han characters (GOTCHAS.md). Needs Debian's
fonts-noto-cjk. Laying out a long document costs seconds, so `cached_pdf` keys the file by the hash
of the document's HTML without its print time: the same content is the same file, and any change
makes a new one. Used by the meetings' minutes and the incentives' letters and reports.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable

from django.conf import settings

_rendering = threading.Lock()  # one layout at a time per process: parallel requests wait for it


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: it costs a few hundred ms and is needed only here

    return HTML(string=html).write_pdf()


def cached_pdf(*, folder: str, name: str, html: Callable[[bool], str]) -> bytes:
    """The PDF of `html(final)` kept under DATA_DIR/cache/<folder>/<name>-<version>.pdf.

    `html(False)` is the document without anything that changes on each print (the print time);
    its hash is the version. `html(True)` is the document as printed. Earlier versions of the
    same `name` are deleted: they are never asked for again."""
    cache = settings.DATA_DIR / "cache" / folder
    cache.mkdir(parents=True, exist_ok=True)
    version = hashlib.sha256(html(False).encode()).hexdigest()[:32]
    path = cache / f"{name}-{version}.pdf"
    if path.exists():
        return path.read_bytes()
    with _rendering:
        if path.exists():  # made by the request we waited for
            return path.read_bytes()
        pdf = html_to_pdf(html(True))
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pdf)
        os.replace(tmp, path)  # atomic: another process never reads half a file
        for old in cache.glob(f"{name}-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
        return pdf
