"""Production static files: collectstatic with the manifest storage, then pages render with it."""

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.django_db
def test_pages_render_with_the_production_manifest_storage(cast, login, tmp_path, settings):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        client = login("grid_worker")
        for url in ["/", f"/org/units/{cast.unit_a.pk}/", "/org/units/"]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert ".css" in response.content.decode()


def test_the_csp_header_carries_a_nonce_that_the_page_uses(cast, login):
    response = login("grid_worker").get("/")
    header = response["Content-Security-Policy"]
    nonce = header.split("'nonce-", 1)[1].split("'", 1)[0]
    assert len(nonce) >= 16 and "unsafe-inline" not in header.split("script-src", 1)[1].split(";", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()
