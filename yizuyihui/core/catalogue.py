"""Fill a zh-Hans gettext catalogue from a dictionary and compile it.

Each app keeps its own `locale/translate_zh.py` with the dictionary of its strings (the words are
the app's own); this is the one routine they all run after `makemessages`. Needs only polib, not
Django settings, so the scripts run as plain `python translate_zh.py`.

A msgid the app's dictionary lacks is taken from the other catalogues of the project (the project
catalogue in yizuyihui/locale first, then the apps'), so a string shared by two apps — the SMS
code texts of accounts and signup, say — is translated once, where it belongs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1]
PROJECT_PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _po_path(locale_dir: Path) -> Path:
    return Path(locale_dir) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def known_translations(*, exclude: Path) -> dict[str, str]:
    """msgid → msgstr of every other zh-Hans catalogue (singular entries); the project's wins."""
    others = sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    known: dict[str, str] = {}
    for path in [PROJECT_PO, *others]:
        if path.resolve() == exclude.resolve() or not path.exists():
            continue
        for entry in polib.pofile(str(path)).translated_entries():
            if not entry.msgid_plural:
                known.setdefault(entry.msgid, entry.msgstr)
    return known


def fill(locale_dir: Path, zh: Mapping[str, str], plurals: Mapping[str, Sequence[str]] | None = None,
         *, metadata: Mapping[str, str] | None = None) -> list[str]:
    """Translate `locale_dir`'s zh_Hans catalogue, save the .po and its .mo; return what is left.

    Order for a singular msgid: the dictionary, then another catalogue, then what the .po already
    holds. Plural msgids take `plurals[msgid]` (zh has one form), else the dictionary's text."""
    path = _po_path(locale_dir)
    po = polib.pofile(str(path))
    known = known_translations(exclude=path)
    plurals = plurals or {}
    missing = []
    for entry in po:
        if entry.msgid_plural:
            forms = plurals.get(entry.msgid) or ([zh[entry.msgid]] if entry.msgid in zh else None)
            if forms:
                entry.msgstr_plural = dict(enumerate(forms))
            elif not any(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        else:
            text = zh.get(entry.msgid) or known.get(entry.msgid) or entry.msgstr
            if text:
                entry.msgstr = text
            else:
                missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata_is_fuzzy = False
    po.metadata.update({"Plural-Forms": "nplurals=1; plural=0;", "Language": "zh_Hans",
                        "Content-Type": "text/plain; charset=UTF-8", **(metadata or {})})
    po.save()
    po.save_as_mofile(str(path.with_suffix(".mo")))
    if missing:
        print("untranslated:", *missing, sep="\n  ")
    return missing
