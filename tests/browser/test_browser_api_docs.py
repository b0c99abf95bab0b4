"""In a real browser: /api/docs shows the API's operations with the site's own CSP, offline."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_the_operations_from_the_sites_own_assets(live_server, browser_page):
    page = browser_page
    requested, blocked = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)

    response = page.goto(f"{live_server.url}/api/docs")
    assert response.status == 200
    assert "script-src" in response.headers["content-security-policy"]  # the site's CSP is on this page
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("一组一会+ API")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 10
    expect(page.locator(".opblock-summary-path", has_text="/api/cases/").first).to_be_visible()

    assert blocked == []
    assert requested and all(url.startswith(live_server.url) for url in requested), [
        url for url in requested if not url.startswith(live_server.url)]
