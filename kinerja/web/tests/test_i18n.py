"""The Bahasa Indonesia catalogue: complete, compiled, and what a Pemda's user sees by default.

The UI's msgids are English; LANGUAGE_CODE is "id". A string added without a translation, a
fuzzy entry left behind by msgmerge, or a .mo that was not recompiled after the .po changed
would show English (or an old text) to every user: these tests catch that.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class PoEntry:
    """One message of the .po file: enough of the format for makemessages' output."""

    line: int
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The key gettext uses in the compiled catalogue."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[PoEntry]:
    """The active (not obsolete `#~`) entries of a .po file, header included."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    target: tuple[str, int] = ("msgid", 0)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and entry is not None:
                entries.append(entry)
                entry = None
            continue
        if entry is None:
            entry = PoEntry(line=number)
        if line.startswith("#,"):
            entry.flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.groups()
            value = _unquote(text)
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
        elif line.startswith('"'):
            value = _unquote(line)
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + value)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot read {raw!r}")
    if entry is not None:
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    return parse_po(PO)


@pytest.fixture(scope="module")
def messages(po_entries: list[PoEntry]) -> list[PoEntry]:
    return [e for e in po_entries if e.msgid != ""]


@pytest.fixture(autouse=True)
def _indonesian_default(settings):
    """These tests check the product's default language, whatever the folder's fixtures set."""
    settings.LANGUAGE_CODE = "id"


# --- The catalogue ------------------------------------------------------------------------------


def test_the_catalogue_has_messages(messages):
    assert len(messages) > 300


def test_the_header_says_indonesian_with_one_plural_form(po_entries):
    header = next(e for e in po_entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: id\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_every_message_is_translated(messages):
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in messages if not all(e.msgstr.values())]
    assert untranslated == [], "untranslated:\n" + "\n".join(untranslated)


def test_no_message_is_fuzzy(messages):
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    assert fuzzy == [], "fuzzy (check, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_messages_have_the_one_indonesian_form(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals
    wrong = [e.msgid for e in plurals if sorted(e.msgstr) != [0]]
    assert wrong == [], "give msgstr[0] only (nplurals=1)"


def test_translations_keep_every_placeholder(messages):
    wrong = []
    for e in messages:
        wanted = set(_PLACEHOLDER.findall(e.msgid + (e.msgid_plural or "")))
        for text in e.msgstr.values():
            if set(_PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"line {e.line}: {e.msgid!r} -> {text!r}")
    assert wrong == [], "\n".join(wrong)


# Names xgettext finds by itself in Python, plus the ones makemessages adds (Django 5.2).
_XGETTEXT_KEYWORDS = {
    "_", "gettext", "ngettext", "pgettext", "npgettext", "dgettext", "dngettext", "N_",
    "gettext_noop", "gettext_lazy", "ngettext_lazy", "pgettext_lazy", "npgettext_lazy",
}  # fmt: skip


def _makemessages_keywords() -> set[str]:
    from kinerja.web.management.commands.makemessages import Command

    extra = {o.split("=", 1)[1] for o in Command.xgettext_options if o.startswith("--keyword=")}
    return _XGETTEXT_KEYWORDS | {k.split(":", 1)[0] for k in extra}


def test_every_gettext_alias_in_the_code_is_extracted_by_makemessages():
    """A module that imports gettext under a name xgettext does not know (once: `_lazy`) has its
    strings silently left out of the catalogue, so they show in English. Either use a standard
    name or add the name to web/management/commands/makemessages.py."""
    keywords = _makemessages_keywords()
    unknown = []
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        relative = path.relative_to(settings.BASE_DIR)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if "gettext" in alias.name and bound not in keywords:
                        unknown.append(f"{relative}:{node.lineno}: {alias.name} as {bound}")
    assert unknown == [], "\n".join(unknown)


def test_translations_keep_the_html_tags(messages):
    tag = re.compile(r"</?\w+[^>]*>")
    wrong = [
        e.msgid
        for e in messages
        for text in e.msgstr.values()
        if sorted(tag.findall(e.msgid)) != sorted(tag.findall(text))
    ]
    assert wrong == []


# --- The compiled catalogue ---------------------------------------------------------------------


def test_the_mo_matches_the_po(messages):
    """`compilemessages` was run after the last change to the .po (commit both)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # the parsed .mo: {msgid or (msgid, n): msgstr}
    stale = []
    for e in messages:
        if e.msgid_plural is not None:
            if catalog.get((e.key, 0)) != e.msgstr[0]:
                stale.append(e.msgid)
        elif catalog.get(e.key) != e.msgstr[0]:
            stale.append(e.msgid)
    assert stale == [], "run `kinerja compilemessages`; stale or missing in the .mo:\n" + "\n".join(
        stale
    )
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}
    assert compiled_ids == {e.key for e in messages}, "the .mo holds other messages than the .po"


@pytest.mark.parametrize(
    ("msgid", "indonesian"),
    [
        ("Log in", "Masuk"),
        ("Log out", "Keluar"),
        ("Password", "Kata sandi"),
        ("Home", "Beranda"),
        ("Employees", "Pegawai"),
        ("My team", "Tim saya"),
        ("Audit trail", "Jejak audit"),
        ("Position history", "Riwayat jabatan"),
    ],
)
def test_django_serves_the_indonesian_text(msgid, indonesian):
    with translation.override("id"):
        assert translation.gettext(msgid) == indonesian
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_plural_strings_have_one_form_in_indonesian():
    with translation.override("id"):
        for n in (1, 2, 5):
            text = translation.ngettext("%(counter)s employee", "%(counter)s employees", n)
            assert text % {"counter": n} == f"{n} pegawai"


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.indonesian
def test_the_log_in_page_is_indonesian_by_default(client, db):
    page = client.get(reverse("login"))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="id">' in text
    assert "Masuk" in text and "Kata sandi" in text
    assert "Log in" not in text


@pytest.mark.indonesian
def test_a_browser_set_to_english_still_gets_indonesian(client, db):
    text = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Kata sandi" in text


@pytest.mark.indonesian
def test_switching_to_english_shows_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    text = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in text
    assert "Log in" in text and "Password" in text
    assert "Kata sandi" not in text
    client.post(reverse("set_language"), {"language": "id", "next": reverse("login")})
    assert "Kata sandi" in client.get(reverse("login")).content.decode()


@pytest.mark.indonesian
def test_the_home_page_of_a_pegawai_is_indonesian(client_for, cast):
    text = client_for(cast.pegawai).get(reverse("home")).content.decode()
    assert "Beranda" in text
    assert "Keluar" in text
    assert "Jabatan saya" in text
    assert "Home" not in text
