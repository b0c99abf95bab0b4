"""Chinese first: every catalogue is fully translated and its compiled .mo matches the .po."""

from pathlib import Path

import polib
import pytest

import yizuyihui

CATALOGUES = sorted(Path(yizuyihui.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 1


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_every_string_is_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{po_path}: untranslated {untranslated[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: compile with msgfmt"
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in polib.mofile(str(mo_path))}
    for entry in po.translated_entries():
        got = compiled.get((entry.msgctxt, entry.msgid))
        want = entry.msgstr or {int(k): v for k, v in entry.msgstr_plural.items()}
        if isinstance(got, dict):
            got = {int(k): v for k, v in got.items()}
        assert got == want, f"{mo_path} is stale for {entry.msgid!r}: recompile"
