"""Reports to the organisation department: per employer, each official sent down and registered
Party member with the quarter's activity and the community's assessment, as PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from yizuyihui.core.errors import ServiceForbidden
from yizuyihui.incentives import reports
from yizuyihui.incentives.periods import period_parse
from yizuyihui.incentives.recognition import OfficialAssessment
from yizuyihui.people.models import Body
from yizuyihui.people.services import membership_add, person_create

from .recognition_record import EXPECTED_HOURS, ISSUE_AT, build

pytestmark = pytest.mark.django_db
Q3 = period_parse("2026Q3")


@pytest.fixture
def recorded(cast):
    rec = build(cast)
    # Seated in unit A as an official sent down, never registered: reported without an employer.
    rec.seated = person_create(name="孙下沉", gender="M", node=cast.unit_a.node)
    membership_add(person=rec.seated, unit=cast.unit_a, body=Body.COUNCIL, identity="official",
                   started=dt.date(2026, 6, 1))
    return rec


def test_the_report_groups_people_by_employer_with_the_quarters_counts(cast, recorded):
    groups = reports.report_build(node=cast.community, period=Q3)
    assert [g.employer for g in groups] == ["东区住建局", reports.NO_EMPLOYER]
    official = groups[0].subjects[0]
    assert official.person.name == "王建国" and not official.sent_down  # in-service Party member
    rec = official.record
    assert (rec.hours, rec.matters, rec.meetings, rec.pairings, rec.activities) == (EXPECTED_HOURS, 1, 1, 1, 2)
    seated = groups[1].subjects[0]
    assert seated.person.name == "孙下沉" and seated.sent_down and not seated.record
    names = {s.person.name for g in groups for s in g.subjects}
    assert "赵外街" not in names  # registered in another street


def test_the_community_writes_its_assessment_and_others_cannot(cast, recorded):
    reports.assessment_save(actor=cast.users["community_cadre"], node=cast.community, person=recorded.official,
                            period="2026Q3", grade="excellent", text="服务积极")
    reports.assessment_save(actor=cast.users["street_official"], node=cast.community, person=recorded.official,
                            period="2026Q3", grade="competent", text="服务积极，按时报到")
    a = OfficialAssessment.objects.get()
    assert (a.grade, a.text) == ("competent", "服务积极，按时报到")
    for who in ("city_admin", "district_official", "unit_leader", "outsider"):
        with pytest.raises(ServiceForbidden):
            reports.assessment_save(actor=cast.users[who], node=cast.community, person=recorded.official,
                                    period="2026Q3", text="x")
    assert OfficialAssessment.objects.get().text == "服务积极，按时报到"


def test_an_assessment_is_only_for_people_registered_here(cast, recorded):
    with pytest.raises(reports.ReportError):
        reports.assessment_save(actor=cast.users["street_official"], node=cast.community,
                                person=recorded.other_official, period="2026Q3", text="x")
    assert not OfficialAssessment.objects.exists()


def test_another_street_gets_403_for_our_report_and_nothing_changes(cast, recorded, client):
    with time_machine.travel(ISSUE_AT, tick=False):
        client.force_login(cast.users["outsider"])
        for name in ("incentives:report", "incentives:report_pdf", "incentives:report_xlsx"):
            assert client.get(reverse(name), {"node": cast.community.pk, "period": "2026Q3"}).status_code == 403
        response = client.post(reverse("incentives:report_assess"), {"node": cast.community.pk, "period": "2026Q3",
                                                                     "person": recorded.official.pk, "text": "x"})
        assert response.status_code == 403
    assert not OfficialAssessment.objects.exists()


def test_the_xlsx_has_a_sheet_per_employer(cast, recorded):
    from openpyxl import load_workbook

    reports.assessment_save(actor=cast.users["community_cadre"], node=cast.community, person=recorded.official,
                            period="2026Q3", grade="excellent", text="服务积极")
    wb = load_workbook(io.BytesIO(reports.report_xlsx(node=cast.community, period=Q3)))
    assert wb.sheetnames == ["汇总", "东区住建局", reports.NO_EMPLOYER]
    rows = list(wb["东区住建局"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "王建国" and Decimal(str(rows[0][4])) == EXPECTED_HOURS and rows[0][5:8] == (1, 1, 1)
    assert rows[0][9:] == ("优秀", "服务积极")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_has_each_employer_and_the_assessment(cast, recorded, tmp_path):
    reports.assessment_save(actor=cast.users["community_cadre"], node=cast.community, person=recorded.official,
                            period="2026Q3", grade="excellent", text="服务积极")
    path = tmp_path / "report.pdf"
    path.write_bytes(reports.report_pdf(node=cast.community, period=Q3))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = text.replace(" ", "")
    for expected in ("东区住建局", "王建国", "在职党员", "孙下沉", "下沉干部", "服务积极", "优秀", "2026年第三季度"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all("CJKSC" in line.split()[0].replace("-", "").upper() for line in fonts.splitlines() if "CJK" in line)
