"""What every page pays before its own work (issue 17): the logged-in user's row comes from the
cache (accounts/backends.py) and the menu is built only when a page shows it
(core/context_processors.py). Neither may let a change to the account wait."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizuyihui.core import context_processors


def _user_row_queries(queries, pk: int) -> list[str]:
    return [q["sql"] for q in queries
            if q["sql"].startswith('SELECT "auth_user"."id"') and f'"auth_user"."id" = {pk}' in q["sql"]]


def test_a_page_reads_the_logged_in_user_from_the_cache(cast, login, settings):
    settings.YZYH_USER_CACHE = True  # on with Redis (REDIS_URL), a cache every process shares
    client = login("unit_leader")
    user = get_user_model().objects.get(username="unit_leader")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/cases/").status_code == 200
    assert len(_user_row_queries(first, user.pk)) == 1  # the first request loads and caches it
    with CaptureQueriesContext(connection) as again:
        assert client.get("/cases/").status_code == 200
    assert _user_row_queries(again, user.pk) == []


def test_a_deactivated_account_is_logged_out_on_its_next_request(cast, login, settings):
    settings.YZYH_USER_CACHE = True
    client = login("unit_leader")
    assert client.get("/cases/").status_code == 200  # the row is cached now
    user = get_user_model().objects.get(username="unit_leader")
    user.is_active = False
    user.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_password_logs_out_the_other_sessions_on_their_next_request(cast, login, settings):
    settings.YZYH_USER_CACHE = True
    client = login("unit_leader")
    assert client.get("/cases/").status_code == 200
    user = get_user_model().objects.get(username="unit_leader")
    user.set_password("Another-pass-2026!")
    user.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_is_built_only_for_a_page_that_shows_it(cast, login, monkeypatch):
    built = []
    real = context_processors.collect

    def collect(*args):
        built.append(args)
        return real(*args)

    monkeypatch.setattr(context_processors, "collect", collect)
    client = login("grid_worker")
    answer = client.get(f"/visits/reports/pick/household/?unit={cast.unit_a.pk}&q=1")  # search as you type
    assert answer.status_code == 200 and built == []
    page = client.get("/cases/")
    assert len(built) == 1  # once, however often the template looks at it
    assert '<a href="/visits/">' in page.content.decode()  # the grid worker's menu has 走访


def test_without_a_shared_cache_every_request_reads_the_user_row(cast, login, settings):
    """Each process's own memory cache would keep a deactivated user alive in the others."""
    settings.YZYH_USER_CACHE = False
    client = login("unit_leader")
    user = get_user_model().objects.get(username="unit_leader")
    client.get("/cases/")
    with CaptureQueriesContext(connection) as again:
        assert client.get("/cases/").status_code == 200
    assert len(_user_row_queries(again, user.pk)) == 1


def test_the_user_cache_is_on_exactly_when_redis_is_configured():
    from yizuyihui import settings as site

    assert site.YZYH_USER_CACHE == bool(site.REDIS_URL)
