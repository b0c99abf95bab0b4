"""Thank-you letters (感谢信): what a letter lists, who may issue, idempotent batches, the PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse

from yizuyihui.core.errors import ServiceForbidden
from yizuyihui.incentives import letters
from yizuyihui.incentives.models import ThankYouLetter

from .recognition_record import EXPECTED_HOURS, ISSUE_AT, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(cast):
    return build(cast)


def _issue(cast, who="community_cadre", node=None):
    with time_machine.travel(ISSUE_AT, tick=False):
        return letters.letters_issue(actor=cast.users[who], node=node or cast.community, quarter="2026Q3")


def test_a_letter_lists_exactly_the_recorded_activities_of_the_quarter(cast, recorded):
    made = _issue(cast)
    assert [(x.person.name, x.employer) for x in made] == [("王建国", "东区住建局")]
    letter = made[0]
    assert [(li["on"], li["kind"]) for li in letter.lines] == [
        ("2026-07-10", "activity"),  # research
        ("2026-08-01", "activity"),  # pairing
        ("2026-08-15", "matter"),  # the "+" seat (its "+" activity is not listed twice)
        ("2026-09-01", "meeting"),
        ("2026-09-10", "service"),
    ]
    texts = " ".join(li["text"] for li in letter.lines)
    assert "调研加装电梯意愿" in texts and "结对帮扶独居老人" in texts and "幸福助老队" in texts
    assert "六月的服务" not in texts and "和平社区调研" not in texts  # another quarter, another community
    assert "13812345678" not in texts  # the matter's title is its public summary
    assert letter.hours == EXPECTED_HOURS
    assert letter.number == "幸福社区感字〔2026〕001号"


def test_a_plus_member_without_an_employer_on_record_gets_no_letter_and_is_counted(cast, recorded):
    from yizuyihui.incentives.periods import period_parse

    due, no_employer = letters.letters_due(node=cast.community, period=period_parse("2026Q3"))
    assert [d.person.name for d in due] == ["王建国"]
    assert no_employer == 1  # 李热心 sat in the meeting as a "+" member


def test_issuing_the_quarter_twice_adds_no_letter(cast, recorded):
    assert len(_issue(cast)) == 1
    assert _issue(cast) == []
    assert _issue(cast, "street_official") == []
    assert ThankYouLetter.objects.filter(node=cast.community, quarter="2026Q3").count() == 1


@pytest.mark.parametrize("who", ["city_admin", "district_official", "unit_leader", "grid_worker", "outsider", "resident"])
def test_only_the_community_or_street_over_it_may_issue_and_a_refusal_writes_nothing(cast, recorded, who):
    with pytest.raises(ServiceForbidden):
        _issue(cast, who)
    assert not ThankYouLetter.objects.exists()


def test_the_outsiders_street_cannot_issue_for_our_community_through_the_page(cast, recorded, client):
    client.force_login(cast.users["outsider"])
    with time_machine.travel(ISSUE_AT, tick=False):
        response = client.post(reverse("incentives:letters_issue"), {"node": cast.community.pk, "quarter": "2026Q3"})
    assert response.status_code == 403
    assert not ThankYouLetter.objects.exists()


def test_a_quarter_not_yet_ended_is_refused(cast, recorded):
    from yizuyihui.incentives.letters import LetterError

    with time_machine.travel(ISSUE_AT, tick=False), pytest.raises(LetterError):
        letters.letters_issue(actor=cast.users["community_cadre"], node=cast.community, quarter="2026Q4")


def test_the_cadre_issues_from_the_page_and_downloads_the_letter(cast, recorded, client):
    with time_machine.travel(ISSUE_AT, tick=False):
        client.force_login(cast.users["community_cadre"])
        page = client.get(reverse("incentives:letters"))
        assert page.status_code == 200 and "王建国" in page.content.decode()  # due
        response = client.post(reverse("incentives:letters_issue"), {"node": cast.community.pk, "quarter": "2026Q3"})
        assert response.status_code == 302
        letter = ThankYouLetter.objects.get()
        register = client.get(response["Location"]).content.decode()
        assert "王建国" in register and "东区住建局" in register and letter.number in register
        pdf = client.get(reverse("incentives:letter_pdf", args=[letter.pk]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        client.force_login(cast.users["outsider"])
        assert client.get(reverse("incentives:letter_pdf", args=[letter.pk])).status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_letter_pdf_embeds_a_simplified_chinese_font_and_carries_the_record(cast, recorded, tmp_path):
    letter = _issue(cast)[0]
    path = tmp_path / "letter.pdf"
    path.write_bytes(letters.letter_pdf(letter=letter))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all("CJKSC" in line.split()[0].replace("-", "").upper() for line in cjk), fonts
    assert all(" yes " in f" {line} " for line in cjk)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("感谢信", "东区住建局", "王建国", "幸福社区居民委员会", "二〇二六年十月八日", "盖章处", "调研加装电梯意愿"):
        assert expected in text.replace(" ", ""), expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_cadres_issuing_the_quarter_at_once_make_one_letter_each_person(cast):
    """The community cadre and the street official press 'issue' together (and the cadre twice):
    the issuer's row lock serialises the batches, so each person has one letter, numbered once."""
    import threading

    from django.db import connection

    build(cast)
    barrier = threading.Barrier(3)
    made = []

    def go(who):
        try:
            barrier.wait()
            made.append(len(letters.letters_issue(actor=cast.users[who], node=cast.community, quarter="2026Q3")))
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(w,)) for w in ("community_cadre", "street_official", "community_cadre")]
    with time_machine.travel(ISSUE_AT, tick=False):  # once, for every thread (the clock is the process's)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(made) == [0, 0, 1]
    assert list(ThankYouLetter.objects.values_list("number", flat=True)) == ["幸福社区感字〔2026〕001号"]
