"""In a real browser, on a phone, clicking from the home page: a community cadre issues the last
quarter's thank-you letters (感谢信) and downloads one — a PDF with the community's name.

The record is made through the services, dated in the quarter before today (letters are issued
after a quarter ends): an official of 东区住建局 registered at 幸福社区 under 三报到 researched and
paired with a household there. The downloaded PDF is read with poppler's pdftotext, and its first
page rendered (pdftoppm) next to the screenshots for a person to look at."""

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


def _record(cast):
    """What the official did in the last ended quarter, recorded by the community's cadre."""
    from yizuyihui.incentives.periods import default_letter_quarter
    from yizuyihui.people.services import person_create
    from yizuyihui.resources import services as res

    quarter = default_letter_quarter()
    cadre = cast.users["community_cadre"]
    official = person_create(name="王建国", gender="M", node=cast.community, phone="13900001111", id_number="",
                             is_party_member=True)
    reg = res.registration_register(person=official, actor=cadre, kind="in_service", node=cast.community,
                                    employer="东区住建局", services=["elder_care"], availability=7,
                                    on=quarter.first)
    res.registration_confirm(registration=reg, actor=cadre, now=quarter.start + dt.timedelta(days=2))
    res.activity_record(registration=reg, actor=cadre, kind="research", on=quarter.first + dt.timedelta(days=9),
                        hours=2, note="调研加装电梯意愿")
    res.activity_record(registration=reg, actor=cadre, kind="pairing", on=quarter.first + dt.timedelta(days=31),
                        hours=1, note="结对帮扶独居老人")
    return quarter, official


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_cadre_issues_the_quarters_letters_and_downloads_one_on_a_phone(live_server, browser_page, settings):
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.incentives.recognition import ThankYouLetter

    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    cast = build_cast()
    quarter, official = _record(cast)
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page, url = browser_page, live_server.url

    page.goto(f"{url}/")
    page.get_by_label("用户名").fill("community_cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    # Home → the card 荣誉·感谢信·报告 → 感谢信.
    page.get_by_role("link", name="荣誉·感谢信·报告").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("荣誉·感谢信·报告")
    page.get_by_test_id("go-letters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢信")
    due = page.get_by_test_id("due")
    expect(due).to_contain_text(quarter.label)
    expect(due).to_contain_text("王建国")
    expect(due).to_contain_text("东区住建局")
    page.screenshot(path=str(shots / "letters-1-due.png"), full_page=True)

    page.get_by_test_id("issue").click()
    register = page.get_by_test_id("register")
    expect(register).to_contain_text("王建国")
    expect(register).to_contain_text("幸福社区感字")
    expect(page.get_by_test_id("due")).not_to_contain_text("王建国")  # issued: no longer due
    page.screenshot(path=str(shots / "letters-2-issued.png"), full_page=True)
    letter = ThankYouLetter.objects.get(person=official)
    assert letter.quarter == quarter.key

    with page.expect_download(timeout=120_000) as info:  # WeasyPrint with CJK fonts: seconds under load
        register.get_by_test_id("download").first.click(timeout=120_000)
    download = info.value
    pdf = shots / "letters-3-letter.pdf"
    download.save_as(str(pdf))
    assert download.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())  # the title is letter-spaced (感 谢 信), table cells are padded
    assert "幸福社区居民委员会" in compact  # the issuing community, in the letterhead and the signature
    assert "感谢信" in compact and "东区住建局" in compact and "王建国" in compact and "调研加装电梯意愿" in compact
    assert letter.number in compact
    # Page 1 as a picture, for a person to look at (the test cannot judge the typography).
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(shots / "letters-3-letter-page1")], check=True)
    assert (shots / "letters-3-letter-page1.png").stat().st_size > 10_000
