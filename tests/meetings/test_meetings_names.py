"""People appear by name, never by login name (issue 10, item 4): the minutes (page and PDF), the
owner picker and the header. The demo cast names persons after their logins, so the tests rename
them first: a login name on the page then means the code printed the account, not the person."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from yizuyihui.meetings import services
from yizuyihui.meetings.models import Decision
from yizuyihui.meetings.pdf import minutes_pdf
from yizuyihui.people.models import Person

pytestmark = pytest.mark.django_db

NAMES = {"unit_leader": "王组长", "grid_worker": "李网格", "council_member": "赵议事"}


@pytest.fixture
def named(cast):
    for persona, name in NAMES.items():
        Person.objects.filter(pk=cast.residents[persona].pk).update(name=name)
    return cast


@pytest.fixture
def held(named, run_meeting):
    topic = run_meeting.propose("加装电梯费用分摊")
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)
    leader = named.users["unit_leader"]
    item = run_meeting.item(meeting, topic)
    services.opinion_record(item=item, actor=leader, participant=meeting.participants.get(person__name="王组长"),
                            text="先听一楼住户的意见")
    services.resolution_adopt(item=item, actor=leader, text="按楼层分摊，一楼免缴", decided_by=Decision.VOTE,
                              votes_for=5, votes_against=1, votes_abstain=1, actions=[run_meeting.spec()])
    return meeting


def test_the_minutes_page_names_people_not_logins(held, login):
    page = login("unit_leader").get(reverse("meetings:detail", args=[held.pk])).content.decode()
    for name in ("王组长", "赵议事", "李网格"):  # present, speaking, owning the action
        assert name in page
    for persona in NAMES:
        assert persona not in page, persona


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_minutes_pdf_names_people_not_logins(held, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes_pdf(meeting=held))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for name in ("王组长", "赵议事", "李网格"):
        assert name in text
    for persona in NAMES:
        assert persona not in text, persona


def test_the_action_owner_picker_shows_name_and_place_in_the_unit(named, run_meeting, login):
    topic = run_meeting.propose("楼道照明")
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)  # held, the outcome not adopted yet: the owner picker shows
    page = login("unit_leader").get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    owners = re.findall(r'<select name="action_owner_0">(.*?)</select>', page, re.S)[0]
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", owners)
    assert any(label.startswith("李网格 · ") for label in labels), labels
    assert not any(persona in owners for persona in NAMES)


def test_the_header_names_the_person_who_is_logged_in(named, login):
    page = login("unit_leader").get(reverse("meetings:index")).content.decode()
    me = re.search(r'data-testid="me"[^>]*>(.*?)</a>', page, re.S).group(1)  # links to 我的账号
    assert "王组长" in me and "unit_leader" not in me


def test_the_meetings_list_reads_kind_status_and_time_in_words_with_working_links(run_meeting, login):
    """The list's rows are made in the view (meetings.views._meeting_rows): labels in the viewer's
    language, never the stored codes; each title and unit links to its page."""
    topic = run_meeting.propose("楼道照明")
    meeting = run_meeting.pre_meeting(topic)
    client = login("unit_leader")
    page = client.get(reverse("meetings:index")).content.decode()
    row = re.search(rf'<tr><td>[^<]*</td><td><a href="{reverse("meetings:detail", args=[meeting.pk])}">.*?</tr>',
                    page, re.S).group(0)
    assert "党小组会前研究会" in row and "已召开" in row, row
    assert "party_group" not in row and "held" not in row
    assert f'href="{reverse("meetings:unit", args=[meeting.unit_id])}"' in page
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
