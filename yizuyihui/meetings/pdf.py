"""The minutes as a printable Chinese PDF sheet (WeasyPrint).

`lang="zh-CN"` and an explicit "Noto Sans CJK SC" in the template: without them fontconfig picks
Japanese glyph forms for the shared Han characters (GOTCHAS.md). Needs Debian's fonts-noto-cjk.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from yizuyihui.meetings.models import Meeting
from yizuyihui.meetings.selectors import meeting_detail


def minutes_pdf(*, meeting: Meeting) -> bytes:
    from weasyprint import HTML  # imported lazily: it costs a few hundred ms and is needed only here

    # The sheet is a Chinese document whatever the reader's UI language.
    with translation.override("zh-hans"):
        html = render_to_string("meetings/minutes_pdf.html", {
            "meeting": meeting, **meeting_detail(meeting=meeting), "printed_at": timezone.localtime(),
        })
    return HTML(string=html).write_pdf()
