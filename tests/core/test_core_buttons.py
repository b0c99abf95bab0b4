"""Every button wears the site's look (site.css: `.btn`, `button.primary`, `button.link`), or sits
where a stylesheet styles bare buttons (the header's `.tools`, the sign-up `.choices`). A bare
<button> renders in the browser's grey default, as the API-key and "就在这里" buttons once did."""

from __future__ import annotations

import re
from pathlib import Path

import yizuyihui

STYLED = re.compile(r'class="[^"]*(?<![\w-])(btn|primary|link)(?![\w-])')
# bare buttons styled by their container: (template, what the container rule is)
CONTAINED = {"templates/base.html": ".tools button", "signup/templates/signup/unit.html": ".choices button"}


def test_every_button_in_the_templates_is_styled():
    root = Path(yizuyihui.__file__).parent
    bare = []
    for path in root.glob("**/*.html"):
        rel = path.relative_to(root).as_posix()
        for tag in re.findall(r"<button\b[^>]*>|<input\b[^>]*type=\"?(?:submit|button|reset)\b[^>]*>", path.read_text()):
            if not STYLED.search(tag) and rel not in CONTAINED:
                bare.append(f"{rel}: {tag}")
    assert not bare, "\n".join(bare)


def test_the_containers_that_style_bare_buttons_still_do():
    css = (Path(yizuyihui.__file__).parent / "static/yzyh/site.css").read_text()
    css += (Path(yizuyihui.__file__).parent / "static/yzyh/auth.css").read_text()
    for rule in CONTAINED.values():
        assert rule in css, rule
