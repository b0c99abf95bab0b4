"""Errors speak Chinese, look like the site and offer a way back (issue 10, item 8); a favicon."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from factories import file_matter

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_styled_chinese_with_a_way_home(cast, login):
    response = login("resident").get("/cases/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "找不到此页面" in html and 'href="/"' in html and "返回首页" in html and "site.css" in html


def test_a_refused_page_is_styled_chinese_with_a_way_home(cast, login):
    case = file_matter(cast, unit="unit_d")
    response = login("resident").get(f"/cases/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "此页面不在您的岗位权限内" in html and "返回首页" in html and "Forbidden" not in html


def test_the_server_error_page_renders_without_a_request():
    with translation.override("zh-hans"):
        html = render_to_string("500.html")
    assert "系统出了点问题" in html and "返回首页" in html


def test_every_page_has_a_favicon(cast, login):
    assert 'rel="icon"' in login("resident").get("/").content.decode()


def test_the_resident_sees_the_number_what_happens_next_and_when(cast, login):
    client = login("resident")
    response = client.post("/cases/new/", {"title": "路灯不亮", "description": "三号楼前"}, follow=True)
    html = response.content.decode()
    from yizuyihui.cases.models import Case

    case = Case.objects.get(title="路灯不亮")
    assert 'data-testid="confirmation"' in html and f"#{case.pk}" in html
    from yizuyihui.core.dates import formatted

    assert "接下来" in html and f"<b>{formatted(case.respond_due, 'when_long')}</b>" in html  # 12月3日 10:00


def test_the_org_page_shows_the_embedding_degree_of_every_child(cast, login):
    html = login("street_official").get(f"/org/node/{cast.street.pk}/").content.decode()
    import re

    cell = re.search(rf'data-testid="embedding-{cast.community.pk}">([^<]*)<', html).group(1).strip()
    assert cell and cell != "—"
