"""The minutes as a printable Chinese PDF sheet (WeasyPrint).

`lang="zh-CN"` and an explicit "Noto Sans CJK SC" in the template: without them fontconfig picks
Japanese glyph forms for the shared Han characters (GOTCHAS.md). Needs Debian's fonts-noto-cjk.

Laying out a long sheet costs seconds (600,000 characters took 116 s), so the PDF is made once per
version of the minutes and kept in the data folder: the version is the hash of the sheet's HTML,
so any change to the minutes, participants, topics or resolutions makes a new one, and every later
request for the same version is a file read.
"""

from __future__ import annotations

import hashlib
import os
import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from yizuyihui.meetings.models import Meeting
from yizuyihui.meetings.selectors import meeting_detail

_rendering = threading.Lock()  # one layout at a time per process: parallel requests wait for it


def _cache_dir():
    path = settings.DATA_DIR / "cache" / "minutes"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sheet_html(meeting: Meeting, generated_at) -> str:
    # The sheet is a Chinese document whatever the reader's UI language.
    with translation.override("zh-hans"):
        return render_to_string("meetings/minutes_pdf.html", {
            "meeting": meeting, **meeting_detail(meeting=meeting), "printed_at": generated_at,
        })


def minutes_pdf(*, meeting: Meeting) -> bytes:
    # The version excludes the generation time (printed on the sheet): same content, same file.
    version = hashlib.sha256(_sheet_html(meeting, None).encode()).hexdigest()[:32]
    path = _cache_dir() / f"{meeting.pk}-{version}.pdf"
    if path.exists():
        return path.read_bytes()
    with _rendering:
        if path.exists():  # made by the request we waited for
            return path.read_bytes()
        from weasyprint import HTML  # imported lazily: it costs a few hundred ms and is needed only here

        pdf = HTML(string=_sheet_html(meeting, timezone.localtime())).write_pdf()
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pdf)
        os.replace(tmp, path)  # atomic: another process never reads half a file
        for old in _cache_dir().glob(f"{meeting.pk}-*.pdf"):  # earlier versions are never asked again
            if old != path:
                old.unlink(missing_ok=True)
        return pdf
