"""Every user-facing string is translatable, and translated in both languages."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = sorted((BASE_DIR / "templates").rglob("*.html")) + sorted(
    (BASE_DIR / "templates").rglob("*.txt")
)
# Proper names and symbols that read the same in every language.
UNTRANSLATABLE = {"Sinergi"}
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_ATTRIBUTE = re.compile(r'\b(?:title|placeholder|alt|aria-label)="([^"{]*)"')
_WORD = re.compile(r"[A-Za-z]{2,}")


def untranslated_text(template: Path) -> list[str]:
    """Literal words in a template that are outside {% translate %}/{% blocktranslate %}.

    Template tags are replaced by a placeholder first, so an HTML tag split by a
    ``{% url %}`` is still seen whole; then markup is dropped and words remain.
    """
    pieces = []
    inside_block = 0
    for token in Lexer(template.read_text()).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            inside_block += name in ("blocktranslate", "blocktrans")
            inside_block -= name in ("endblocktranslate", "endblocktrans")
        if token.token_type == TokenType.TEXT and not inside_block:
            pieces.append(token.contents)
        else:
            pieces.append(" _ ")
    text = "".join(pieces)
    found = [value for value in _ATTRIBUTE.findall(text) if _WORD.search(value)]
    visible = _TAG.sub(" ", text)
    return found + [word for word in _WORD.findall(visible) if word not in UNTRANSLATABLE]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_have_no_untranslated_text(template):
    assert untranslated_text(template) == []


def test_the_scanner_catches_untranslated_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<p>Hello</p><input placeholder="Search">{% translate "Fine" %}')
    assert untranslated_text(page) == ["Search", "Hello"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))


def test_every_string_has_an_indonesian_translation():
    po = catalogue("id")
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == []


def test_the_english_catalogue_has_every_string():
    """English is the source language: an empty msgstr shows the msgid itself."""
    assert {entry.msgid for entry in catalogue("en")} == {entry.msgid for entry in catalogue("id")}


def test_the_catalogues_are_up_to_date_with_the_code(tmp_path):
    """A string marked for translation but missing from the catalogue fails here."""
    result = subprocess.run(["xgettext", "--version"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail("GNU gettext (xgettext) is needed to check the catalogues")
    extracted = _extract_messages(tmp_path)
    known = {entry.msgid for entry in catalogue("id")}
    assert extracted - known == set(), "run `make messages` and translate the new strings"


def _extract_messages(workdir: Path) -> set[str]:
    copy = workdir / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "*.mo", "node_modules", "static"),
    )
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "id", "--ignore", "tests/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    return {entry.msgid for entry in polib.pofile(str(copy / "locale/id/LC_MESSAGES/django.po"))}
