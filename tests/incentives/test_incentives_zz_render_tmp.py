import pathlib

import pytest
import time_machine

from yizuyihui.incentives import letters, reports
from yizuyihui.incentives.periods import period_parse

from .recognition_record import ISSUE_AT, build

pytestmark = pytest.mark.django_db


def test_render(cast):
    rec = build(cast)
    out = pathlib.Path("/tmp/inc_letters")
    out.mkdir(exist_ok=True)
    with time_machine.travel(ISSUE_AT, tick=False):
        letter = letters.letters_issue(actor=cast.users["community_cadre"], node=cast.community, quarter="2026Q3")[0]
        (out / "letter.pdf").write_bytes(letters.letter_pdf(letter=letter))
        reports.assessment_save(actor=cast.users["community_cadre"], node=cast.community, person=rec.official,
                                period="2026Q3", grade="excellent",
                                text="报到积极，主动参与楼道堆物清理议事，结对帮扶独居老人，群众评价好。")
        p = period_parse("2026Q3")
        (out / "report.pdf").write_bytes(reports.report_pdf(node=cast.community, period=p))
        (out / "report.xlsx").write_bytes(reports.report_xlsx(node=cast.community, period=p))
