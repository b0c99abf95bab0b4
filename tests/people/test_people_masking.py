"""Personal data: ID-card and phone numbers masked except for roles that need them; never logged."""

import logging

import pytest

from yizuyihui.people.masking import mask_id_number, mask_phone, redact_text

ID = None  # filled from the cast


def test_masks_look_like_the_issue_says():
    assert mask_id_number("110101199001011234") == "110***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


def test_free_text_is_redacted():
    assert redact_text("电话13812345678，身份证110101199001011234") == "电话138****5678，身份证110***********1234"


@pytest.mark.parametrize("persona, sees_full", [
    ("grid_worker", True), ("unit_leader", True), ("community_cadre", True),
    ("council_member", False), ("building_head", False), ("street_official", False),
    ("district_official", False), ("city_admin", False),
])
def test_unit_page_shows_phones_only_to_roles_that_need_them(cast, login, persona, sees_full):
    member = cast.residents["council_member"]
    html = login(persona).get(f"/org/units/{cast.unit_a.pk}/").content.decode()
    assert (member.phone in html) is sees_full
    assert mask_phone(member.phone) in html or sees_full


@pytest.mark.parametrize("persona, sees_full", [("grid_worker", True), ("street_official", False), ("council_member", False)])
def test_api_masks_personal_numbers_for_the_caller(cast, login, persona, sees_full):
    member = cast.residents["council_member"]
    client = login(persona)
    detail = client.get(f"/api/people/persons/{member.pk}").json()
    assert (detail["phone"] == member.phone) is sees_full
    assert (detail["id_number"] == member.id_number) is sees_full
    if not sees_full:
        assert detail["phone"] == mask_phone(member.phone)
        assert detail["id_number"] == mask_id_number(member.id_number)
    listed = {p["id"]: p for p in client.get(f"/api/people/persons?unit_id={cast.unit_a.pk}&limit=100").json()["items"]}
    assert (listed[member.pk]["phone"] == member.phone) is sees_full
    unit = client.get(f"/api/org/units/{cast.unit_a.pk}").json()
    phones = {m["person_id"]: m["phone"] for m in unit["members"]}
    assert (phones[member.pk] == member.phone) is sees_full


def test_people_api_is_scoped(cast, login):
    stranger = cast.residents["outsider"]  # lives in unit D, another street
    assert login("street_official").get(f"/api/people/persons/{stranger.pk}").status_code == 404
    assert login("outsider").get(f"/api/people/persons/{stranger.pk}").status_code == 200
    ids = {p["id"] for p in login("grid_worker").get("/api/people/persons?limit=1000").json()["items"]}
    assert stranger.pk not in ids and cast.residents["resident"].pk in ids


def test_residents_get_no_people_list(cast, login):
    assert login("resident").get("/api/people/persons").status_code == 403


def test_log_lines_never_carry_full_numbers(cast, caplog):
    from yizuyihui.people.masking import RedactPersonalDataFilter

    person = cast.residents["grid_worker"]
    logger = logging.getLogger("yizuyihui.test")
    handler_filter = RedactPersonalDataFilter()
    with caplog.at_level(logging.INFO, logger="yizuyihui.test"):
        caplog.handler.addFilter(handler_filter)
        logger.info("calling %s at %s (id %s)", person.name, person.phone, person.id_number)
        caplog.handler.removeFilter(handler_filter)
    assert person.phone not in caplog.text and person.id_number not in caplog.text
    assert mask_phone(person.phone) in caplog.text


def test_settings_attach_the_redaction_filter_to_every_handler():
    from django.conf import settings

    for handler in settings.LOGGING["handlers"].values():
        assert "redact" in handler.get("filters", [])
