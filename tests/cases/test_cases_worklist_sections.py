"""The staff worklist shows 20 rows a section with the section's true count and a link to all of it;
each section has its own pages (50 rows each) read from the same scoped selector (issue 17)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from factories import file_matter

from yizuyihui.cases import selectors
from yizuyihui.cases import services as s
from yizuyihui.cases.models import Case, Category

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)
ROW = re.compile(r'data-testid="row-(\d+)"')


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


def _file(cast, n: int, unit: str = "unit_a", **kw) -> list:
    """n new matters; the later filed is the more urgent (filed earlier), so urgency is not the id order."""
    return [file_matter(cast, unit=unit, title=f"{unit} 第{i}件", now=MONDAY - dt.timedelta(minutes=i), suggest=False,
                        **kw) for i in range(n)]


def _section(html: str, name: str) -> str:
    """The part of the worklist from the section's heading to the next heading."""
    start = html.index(f'<h2 id="{name}"')
    end = html.find("<h2", start + 1)
    return html[start:end if end > 0 else len(html)]


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(html)]


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_section_shows_its_20_most_urgent_rows_its_true_count_and_a_link_to_all(cast, login, monday):
    _file(cast, 25)
    html = _get(login("grid_worker"), reverse("cases:worklist"))
    inbox = _section(html, "inbox")
    urgent_first = list(selectors.unit_inbox(user=cast.users["grid_worker"]).values_list("pk", flat=True))
    assert urgent_first != sorted(urgent_first)  # the selector's order is the deadline's, not the id's
    assert _rows(inbox) == urgent_first[:20]
    assert '<span class="tag" data-testid="count-inbox">25</span>' in inbox
    assert f'href="{reverse("cases:worklist_section", args=["inbox"])}"' in inbox


def test_a_section_that_fits_has_no_link_and_costs_no_count(cast, login, monday):
    _file(cast, 20)
    client = login("grid_worker")
    with CaptureQueriesContext(connection) as queries:
        inbox = _section(_get(client, reverse("cases:worklist")), "inbox")
    assert len(_rows(inbox)) == 20 and 'data-testid="count-inbox">20<' in inbox
    assert 'data-testid="all-inbox"' not in inbox
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and '"cases_case"' in q["sql"]]


def test_the_section_page_shows_50_rows_a_page_and_the_rest_on_the_next(cast, login, monday):
    _file(cast, 60)
    client = login("grid_worker")
    url = reverse("cases:worklist_section", args=["inbox"])
    first, second = _get(client, url), _get(client, url + "?page=2")
    urgent_first = list(selectors.unit_inbox(user=cast.users["grid_worker"]).values_list("pk", flat=True))
    assert _rows(first) == urgent_first[:50]
    assert _rows(second) == urgent_first[50:]
    assert 'href="?page=2"' in first and "?page=1" not in first
    assert 'href="?page=1"' in second and "?page=3" not in second
    assert "1 / 2" in first and "2 / 2" in second
    assert 'data-testid="count">60<' in first
    assert f'href="{reverse("cases:worklist")}#inbox"' in first  # back to the worklist
    # A page past the end shows the last; a page that is no number, the first.
    assert _rows(_get(client, url + "?page=9")) == urgent_first[50:]
    assert _rows(_get(client, url + "?page=x")) == urgent_first[:50]


def test_the_section_page_is_titled_in_chinese(cast, login, monday):
    _file(cast, 25)
    client = login("grid_worker")
    worklist = client.get(reverse("cases:worklist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "查看全部 25 条" in worklist
    page = client.get(reverse("cases:worklist_section", args=["inbox"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>收单与议单" in page and "‹ 事项" in page


@pytest.mark.parametrize("persona", ["grid_worker", "street_official"])
def test_no_page_of_a_section_shows_a_matter_outside_the_viewers_scope(cast, login, monday, persona):
    """Unit B (the next grid) is the street's but not unit A's grid worker's; unit D is another street's."""
    mine = {c.pk for c in _file(cast, 25)}
    if persona == "street_official":
        mine |= {c.pk for c in _file(cast, 30, unit="unit_b", by="community_cadre")}
    else:
        _file(cast, 30, unit="unit_b", by="community_cadre")
    _file(cast, 30, unit="unit_d")
    client = login(persona)
    inbox = _section(_get(client, reverse("cases:worklist")), "inbox")
    assert set(_rows(inbox)) <= mine and len(_rows(inbox)) == 20
    assert f'data-testid="count-inbox">{len(mine)}<' in inbox
    url = reverse("cases:worklist_section", args=["inbox"])
    seen = []
    for page in range(1, 1 + -(-len(mine) // 50)):
        html = _get(client, f"{url}?page={page}")
        assert f'data-testid="count">{len(mine)}<' in html
        seen += _rows(html)
    assert sorted(seen) == sorted(mine)


def test_claims_count_and_page_merge_offered_and_claimed(cast, login, monday):
    u = cast.users
    matters = _file(cast, 24)
    for i, case in enumerate(matters):
        s.case_receive(case=case, actor=u["unit_leader"])
        s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
        if i % 2:
            s.case_claim(case=case, actor=u["grid_worker"])
    client = login("grid_worker")
    claims = _section(_get(client, reverse("cases:worklist")), "claims")
    expected = [c.pk for c in selectors.handler_claims(user=u["grid_worker"])]
    assert _rows(claims) == expected[:20] and 'data-testid="count-claims">24<' in claims
    page = _get(client, reverse("cases:worklist_section", args=["claims"]))
    assert _rows(page) == expected and 'data-testid="count">24<' in page


def test_past_the_cap_the_count_reads_cap_plus_and_the_pages_go_on(cast, login, monday, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    _file(cast, 25)
    client = login("grid_worker")
    inbox = _section(_get(client, reverse("cases:worklist")), "inbox")
    assert 'data-testid="count-inbox">10+<' in inbox and len(_rows(inbox)) == 20
    url = reverse("cases:worklist_section", args=["inbox"])
    first = _get(client, url)
    assert 'data-testid="count">10+<' in first and len(_rows(first)) == 25 and "?page=2" not in first
    monkeypatch.setattr("yizuyihui.cases.views.SECTION_PAGE", 10)
    third = _get(client, url + "?page=3")
    assert len(_rows(third)) == 5 and 'href="?page=2"' in third and "?page=4" not in third


def test_an_unknown_section_is_not_found(cast, login):
    assert login("city_admin").get(reverse("cases:worklist_section", args=["everything"])).status_code == 404


@pytest.mark.parametrize("name", ["inbox", "everything"])
def test_a_resident_is_sent_to_their_own_matters(cast, login, name):
    response = login("resident").get(reverse("cases:worklist_section", args=[name]))
    assert response.status_code == 302 and response["Location"] == reverse("cases:my_cases")


def _worklist_queries(client) -> int:
    client.get(reverse("cases:worklist"))  # the session, caches and the like settle first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:worklist")).status_code == 200
    return len(queries.captured_queries)


def test_the_worklists_queries_do_not_grow_with_the_matters(cast, login, monday):
    """The inbox, the board and the feedback list at 5, 25 and 60 matters each: past 20 rows a section
    adds its one count query, and nothing else grows (no query per row, none per matter)."""
    u = cast.users
    category = Category.objects.filter(level=1).first()
    client = login("unit_leader")
    counts = []
    for n in (5, 20, 35):
        for case in _file(cast, n):  # the board: dispatched to the grid worker
            s.case_receive(case=case, actor=u["unit_leader"])
            s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
        _file(cast, n, category=category)  # the inbox, with a category (its name is on the row)
        for case in _file(cast, n):  # waiting for feedback
            s.case_resolve_on_spot(case=case, actor=u["unit_leader"], note="当场解决")
        counts.append(_worklist_queries(client))
    html = _get(client, reverse("cases:worklist"))
    for name in ("inbox", "feedback", "board"):
        assert f'data-testid="all-{name}"' in html and f'data-testid="count-{name}">60<' in html, name
    assert category.name in _section(html, "inbox")
    few, some, many = counts
    assert some == many and some - few <= 3, counts


def _row(html: str, pk: int) -> str:
    start = html.index(f'data-testid="row-{pk}"')
    return html[start:html.index("</tr>", start)]


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", {"board": ["第1级", "已派单", "查看", "紧急"], "inbox": ["即将到期", "收单", "已填单"]}),
    ("en", {"board": ["Tier 1", "Dispatched", ">Open<", "Urgent"], "inbox": ["Due soon", "Receive", "Filed"]}),
])
def test_each_row_reads_its_tier_status_deadline_and_step_in_the_viewers_language(cast, login, monday, language,
                                                                                     expected):
    """The rows' labels are made once a page in views._rows: a dispatched matter's button opens it
    (查看, not the status word 未结 of msgid "Open"), a new one's receives it; urgency and the
    deadline's state are words, never codes."""
    u = cast.users
    dispatched, new = _file(cast, 2, urgency="urgent")
    s.case_receive(case=dispatched, actor=u["unit_leader"])
    s.case_dispatch(case=dispatched, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    client = login("unit_leader")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get(reverse("cases:worklist")).content.decode()
    board, inbox = _row(_section(html, "board"), dispatched.pk), _row(_section(html, "inbox"), new.pk)
    detail = reverse("cases:detail", args=[dispatched.pk])
    assert board.count(f'href="{detail}"') == 2  # the title and the button
    for text in expected["board"]:
        assert text in board, (text, board)
    for text in expected["inbox"]:
        assert text in inbox, (text, inbox)
    assert "dispatched" not in board and "filed" not in inbox and "urgent<" not in board
    assert "未结" not in board  # the status word of msgid "Open", which the button used to read
    # The joined columns of a row (selectors.ROW_VALUES): its title, its unit's and category's names.
    category = Category.objects.exclude(pk=dispatched.category_id or 0).first()
    Case.objects.filter(pk=dispatched.pk).update(category=category)
    board = _row(_section(client.get(reverse("cases:worklist")).content.decode(), "board"), dispatched.pk)
    for text in (dispatched.title, cast.unit_a.name, category.name):
        assert escape(text) in board, (text, board)
