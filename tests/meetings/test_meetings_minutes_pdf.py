"""The minutes print as a Chinese PDF sheet with a Simplified-Chinese CJK font embedded."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from yizuyihui.meetings import services
from yizuyihui.meetings.models import Decision
from yizuyihui.meetings.pdf import minutes_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_meeting(cast, run_meeting):
    topic = run_meeting.propose("加装电梯费用分摊")
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)
    leader = cast.users["unit_leader"]
    item = run_meeting.item(meeting, topic)
    services.opinion_record(item=item, actor=leader, participant=meeting.participants.get(identity="property_rep"),
                            text="物业可以协助申请补贴")
    services.resolution_adopt(item=item, actor=leader, text="按楼层分摊，一楼免缴", decided_by=Decision.VOTE,
                              votes_for=5, votes_against=1, votes_abstain=1, actions=[run_meeting.spec()])
    services.minutes_record(meeting=meeting, actor=leader, minutes="会议由组长主持，各方充分发表意见。")
    return meeting


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils (pdffonts)")
def test_the_minutes_pdf_embeds_a_simplified_chinese_cjk_font(held_meeting, tmp_path):
    pdf = minutes_pdf(meeting=held_meeting)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    # The SC face, not the JP/KR/TC ones fontconfig picks without lang and font-family.
    assert all("CJKSC" in line.split()[0].replace("-", "").upper() for line in cjk), fonts
    assert all(" yes " in f" {line} " for line in cjk), "the CJK font must be embedded"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_minutes_pdf_carries_the_outcome_and_the_counts(held_meeting, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes_pdf(meeting=held_meeting))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("加装电梯费用分摊", "按楼层分摊，一楼免缴", "物业可以协助申请补贴", "社区民警老王", "清理楼道杂物"):
        assert expected in text


def test_the_minutes_pdf_is_served_to_the_unit_and_refused_outside_it(held_meeting, login):
    url = reverse("meetings:minutes_pdf", args=[held_meeting.pk])
    response = login("council_member").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert login("outsider").get(url).status_code == 403


def test_the_minutes_pdf_is_laid_out_once_per_version(held_meeting, cast, monkeypatch):
    """Laying out a sheet costs seconds: the same version is read back, a change makes a new one."""
    import weasyprint

    first = minutes_pdf(meeting=held_meeting)

    def no_layout(*_a, **_k):
        raise AssertionError("the same version was laid out again")

    monkeypatch.setattr(weasyprint, "HTML", no_layout)
    assert minutes_pdf(meeting=held_meeting) == first  # read back, not laid out

    monkeypatch.undo()
    services.minutes_record(meeting=held_meeting, actor=cast.users["unit_leader"], minutes="会议改期后再次讨论。")
    held_meeting.refresh_from_db()
    second = minutes_pdf(meeting=held_meeting)
    assert second != first and second.startswith(b"%PDF")
