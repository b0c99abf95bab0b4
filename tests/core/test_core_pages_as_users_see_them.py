"""Each role walks the site from its home page by following links only (as a user taps), in zh-hans.
Every page it reaches answers, says nothing in the source language (an English msgid whose catalogue
translates it — a catalogue regenerated without the project's templates left "Where", "Services" …
in English), shows no stored code (elder_care, legal …) and keeps its <title> plain text; no link
leads to a page that refuses the user."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from factories import file_matter

import yizuyihui

pytestmark = pytest.mark.django_db

PERSONAS = ("resident", "building_head", "council_member", "grid_worker", "unit_leader", "community_cadre", "street_official",
            "district_official", "department_handler", "city_admin")
SKIP = re.compile(r"(/logout|/i18n/|/static/|/media/|^/admin/|^/config/|^/api/|^/open311/|\.pdf|\.xlsx|\.csv|\.zip|\.json"
                  r"|/pdf/|/xlsx/|/csv/|/export|/download|format=|\.geojson|\.shp)")
MAX_PAGES = 70


def _english_msgids() -> set[str]:
    """Source strings our catalogues translate into something else (words, not codes or numbers)."""
    out = set()
    for po in Path(yizuyihui.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for e in polib.pofile(str(po)).translated_entries():
            if e.msgstr and e.msgstr != e.msgid and re.search(r"[A-Za-z]{3}", e.msgid) and "%" not in e.msgid:
                out.add(e.msgid)
    return out


def _codes() -> set[str]:
    """Stored values of the TextChoices that hold an underscore (they never read as words)."""
    from django.apps import apps
    from django.db import models

    out = set()
    for model in apps.get_models():
        if not model.__module__.startswith("yizuyihui."):
            continue
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "choices", None) or []:
                if isinstance(value, str) and "_" in value:
                    out.add(value)
    for mod in list(__import__("sys").modules.values()):
        if getattr(mod, "__name__", "").startswith("yizuyihui.") and mod.__name__.endswith(".models"):
            for obj in vars(mod).values():
                if isinstance(obj, type) and issubclass(obj, models.TextChoices) and obj is not models.TextChoices:
                    out.update(v for v in obj.values if "_" in v)
    return out


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self.links, self.title, self._skip, self._in_title, self._in_main = [], [], "", 0, False, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "code"):  # <code>: machine data on purpose (the audit log's detail)
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "main":
            self._in_main = True
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag == "main":
            self._in_main = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._in_main and not self._skip and data.strip():
            self.texts.append(data.strip())


def _pattern(url: str) -> str:
    path, _, query = url.partition("?")
    path = re.sub(r"/[0-9a-f-]{16,}/", "/H/", re.sub(r"/\d+/", "/N/", path))
    return path + ("?" + "&".join(sorted(k.split("=")[0] for k in query.split("&"))) if query else "")


@pytest.fixture
def world(cast):
    from yizuyihui.resources import services as resources

    for title in ("三号楼路灯不亮", "小区门口积水"):
        file_matter(cast, title=title)
    resources.registration_register(person=cast.residents["outsider"], actor=cast.users["outsider"],
                                    kind="in_service", node=cast.community, employer="市财政局",
                                    services=["elder_care", "legal"], availability=0b111)
    return cast


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_role_walks_its_pages_and_reads_chinese_only(world, client, persona):
    english = _english_msgids()
    codes = _codes() - set(world.users)  # the cast's login names are role codes (grid_worker …)
    client.force_login(world.users[persona])
    queue, seen, per_pattern, problems, pages = deque([("/", "login")]), {"/"}, {}, [], 0
    while queue and pages < MAX_PAGES:
        url, came_from = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        pages += 1
        if response.status_code in (301, 302):
            continue
        if response.status_code != 200:
            problems.append(f"{url} (linked from {came_from}) answers {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        if "<" in page.title or ">" in page.title:
            problems.append(f"{url}: markup in <title> {page.title[:60]!r}")
        for text in page.texts:
            if text in english and text not in world.users:  # a login name shown as a person's name
                problems.append(f"{url}: untranslated {text!r}")
            for code in codes & set(re.findall(r"[a-z]+(?:_[a-z]+)+", text)):
                problems.append(f"{url}: stored code {code!r} in {text[:60]!r}")
        for href in page.links:
            href = href.split("#")[0]
            if not href.startswith("/") or href.startswith("//") or SKIP.search(href) or href in seen:
                continue
            pat = _pattern(href)
            if per_pattern.get(pat):
                continue
            per_pattern[pat] = 1
            seen.add(href)
            queue.append((href, url))
    print(f"{persona}: {pages} pages", sorted(per_pattern))
    assert pages > (3 if persona == "resident" else 15), pages
    assert not problems, "\n".join(sorted(set(problems)))
