"""The minutes as a printable Chinese PDF sheet (WeasyPrint, through core/pdf.py).

`lang="zh-CN"` and an explicit "Noto Sans CJK SC" in the template: without them fontconfig picks
Japanese glyph forms for the shared Han characters (GOTCHAS.md). Needs Debian's fonts-noto-cjk.

Laying out a long sheet costs seconds (600,000 characters took 116 s), so the PDF is made once per
version of the minutes and kept in the data folder: the version is the hash of the sheet's HTML,
so any change to the minutes, participants, topics or resolutions makes a new one, and every later
request for the same version is a file read.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from yizuyihui.core.pdf import cached_pdf
from yizuyihui.meetings.models import Meeting
from yizuyihui.meetings.selectors import meeting_detail


def _sheet_html(meeting: Meeting, generated_at) -> str:
    # The sheet is a Chinese document whatever the reader's UI language.
    with translation.override("zh-hans"):
        return render_to_string("meetings/minutes_pdf.html", {
            "meeting": meeting, **meeting_detail(meeting=meeting), "printed_at": generated_at,
        })


def minutes_pdf(*, meeting: Meeting) -> bytes:
    # The version excludes the generation time (printed on the sheet): same content, same file.
    return cached_pdf(folder="minutes", name=str(meeting.pk),
                      html=lambda final: _sheet_html(meeting, timezone.localtime() if final else None))
