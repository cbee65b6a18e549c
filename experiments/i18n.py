"""Translations of the lessons (GNU gettext): narration, punchlines, plot text and the lesson list.

Messages are English msgids wrapped in :func:`_` (``_("{n} coins").format(n=3)``); each
language has a gettext catalog ``locale/<lang>/LC_MESSAGES/gymlab.po`` beside this module. The
``.po`` file is the single source: it is compiled to ``.mo`` bytes in memory the first time a
language is used (:func:`compile_mo`, the GNU ``.mo`` layout read by the standard library's
:class:`gettext.GNUTranslations`), so an installed package needs no build step and no Babel.

- :func:`detect_language` — ``--lang`` if given, else ``LANGUAGE`` / ``LC_ALL`` / ``LC_MESSAGES``
  / ``LANG`` as gettext reads them (``ko_KR.UTF-8`` → ``ko``); anything else is English.
- :func:`set_language`, :func:`_` — choose the language, translate a message.
- :func:`plot_text` — the same for text drawn in a plot: Korean only when an installed font has
  Hangul (:func:`hangul_font`), else English plus a one-line notice.
- :func:`extract_messages`, :func:`missing_translations` — every ``_("…")`` in the sources and
  which of them a catalog lacks (``gymlab.experiments.lessons.untranslated("ko")``).
"""

from __future__ import annotations

import ast
import functools
import gettext
import io
import os
import string
import struct
import sys
from pathlib import Path

from gymlab.envs.errors import GymlabError

DOMAIN = "gymlab"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"en": "English", "ko": "한국어 (Korean)"}
MARKERS = ("_", "N_", "plot_text")  # the calls whose first argument is a message id
HANGUL_SAMPLE = "한국어"
# Font families known to carry Hangul, tried first (any installed font with the glyphs works).
KNOWN_HANGUL_FONTS = (
    "noto sans cjk",
    "noto serif cjk",
    "noto sans kr",
    "nanum",
    "malgun",
    "apple sd gothic",
    "applegothic",
    "undotum",
    "unbatang",
    "baekmuk",
    "source han",
    "gulim",
    "batang",
    "unfonts",
)

_STYLED = ("bold", "light", "coding", "extra", "square", "round", "pen", "brush", "heavy", "thin", "italic")
_state = {"lang": "en", "plot_lang": None, "noticed": False}


# ----------------------------------------------------------------------------- catalogs


def parse_po(text: str) -> dict[str, str]:
    """The translated entries of a ``.po`` file as ``{msgid: msgstr}`` (the header, fuzzy and empty ones left out)."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    field = None
    fuzzy = False

    def flush() -> None:
        if msgid and msgstr and not fuzzy:  # the header (msgid "") is left out
            entries[msgid] = msgstr

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line and msgid is not None and field == "msgstr":
                flush()
                msgid = msgstr = field = None
                fuzzy = False
            continue
        if line.startswith("msgid "):
            if field == "msgstr":
                flush()
                fuzzy = False
            msgid, msgstr, field = _po_string(line[6:], number), None, "msgid"
        elif line.startswith("msgstr "):
            msgstr, field = _po_string(line[7:], number), "msgstr"
        elif line.startswith('"') and field == "msgid":
            msgid += _po_string(line, number)
        elif line.startswith('"') and field == "msgstr":
            msgstr += _po_string(line, number)
        else:
            raise GymlabError(f"line {number} of a .po catalog is not gettext syntax: {raw!r}")
    if field == "msgstr":
        flush()
    return entries


def _po_string(token: str, number: int) -> str:
    try:
        value = ast.literal_eval(token.strip())
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, str):
        raise GymlabError(f"line {number} of a .po catalog has a malformed string: {token!r}")
    return value


def compile_mo(messages: dict[str, str]) -> bytes:
    """GNU ``.mo`` bytes for ``messages`` (what ``msgfmt`` writes): header, two sorted tables, strings."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), messages[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    start = 7 * 4 + 16 * len(keys)  # header + both index tables
    id_table = b"".join(struct.pack("<2I", n, start + o) for o, n, _o, _n in offsets)
    str_table = b"".join(struct.pack("<2I", n, start + len(ids) + o) for _o, _n, o, n in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + id_table + str_table + ids + strs


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: no catalog, every message as written)."""
    if lang == "en":
        return gettext.NullTranslations()
    path = catalog_path(lang)
    if not path.is_file():
        raise GymlabError(f"no {lang!r} catalog at {path}: reinstall gymlab (pip install -e .)")
    return gettext.GNUTranslations(io.BytesIO(compile_mo(parse_po(path.read_text(encoding="utf-8")))))


# ----------------------------------------------------------------------------- choosing a language


def detect_language(explicit: str | None = None, environ: dict[str, str] | None = None) -> str:
    """``explicit`` (``--lang``) if given, else the locale environment as gettext reads it."""
    if explicit:
        code = explicit.strip().lower().replace("-", "_").split("_")[0]
        if code not in LANGUAGES:
            raise GymlabError(f"unknown language {explicit!r}; choose one of: {', '.join(LANGUAGES)}")
        return code
    environ = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            for item in value.split(":"):  # LANGUAGE may list several: ko:en
                code = item.split(".")[0].split("_")[0].lower()
                if code in LANGUAGES:
                    return code
            return "en"  # the first variable set decides, as in gettext
    return "en"


def set_language(lang: str | None = None) -> str:
    """Make ``lang`` (or the environment's language) the one :func:`_` translates into."""
    _state.update(lang=detect_language(lang), plot_lang=None, noticed=False)
    return _state["lang"]


def current_language() -> str:
    return _state["lang"]


def _(message: str) -> str:
    """``message`` in the current language (as written when the catalog has no translation)."""
    return translations(_state["lang"]).gettext(message)


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "mark for extraction, translate later")
    """Mark ``message`` for extraction without translating it now (translate with :func:`_` later)."""
    return message


# ----------------------------------------------------------------------------- text in plots


def has_hangul(font_file: str) -> bool:
    """Does the font file draw Hangul syllables (three distinct glyphs for 한국어)?"""
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(font_file).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    glyphs = [charmap.get(ord(ch)) for ch in HANGUL_SAMPLE]
    # Real Hangul glyphs differ; a fallback font such as Last Resort maps the whole block to one.
    return all(glyphs) and len(set(glyphs)) == len(glyphs)


@functools.cache
def hangul_font() -> str | None:
    """The family name of an installed font that draws Hangul, or None.

    Matplotlib's cached font list comes first (known Korean/CJK families first); a font
    installed after that cache was built (``apt install fonts-nanum``) is found among the
    system's font files and added to matplotlib.
    """
    from matplotlib import font_manager

    def known(name: str) -> bool:
        return any(key in name.lower().replace("_", " ") for key in KNOWN_HANGUL_FONTS)

    entries = font_manager.fontManager.ttflist
    cached = {entry.fname for entry in entries}
    for entry in sorted(entries, key=lambda e: not known(e.name)):
        if known(entry.name) and has_hangul(entry.fname):
            return entry.name
    found = [
        path
        for path in font_manager.findSystemFonts()
        if path not in cached
        and (known(Path(path).stem) or any(key in Path(path).stem.lower() for key in ("cjk", "kr")))
        and has_hangul(path)
    ]
    for path in found:  # every weight, so that bold titles find their face too
        font_manager.fontManager.addfont(path)
    plain = sorted(found, key=lambda path: (any(w in path.lower() for w in _STYLED), len(Path(path).stem)))
    if plain:
        return font_manager.FontProperties(fname=plain[0]).get_name()
    for entry in entries:  # any other cached font that happens to draw Hangul
        if not known(entry.name) and has_hangul(entry.fname):
            return entry.name
    return None


def plot_language() -> str:
    """The language of plot text: the current one, unless it needs Hangul and no font has it.

    Then plots stay in English and one notice says why (printed once per language choice).
    """
    if _state["plot_lang"] is None:
        lang = _state["lang"]
        if lang == "ko":
            family = hangul_font()
            if family is None:
                lang = "en"
                print(
                    _("note: no installed font has Hangul, so plot labels stay in English "
                      "(install one, e.g. `apt install fonts-nanum` or `fonts-noto-cjk`)"),
                    file=sys.stderr,
                )  # fmt: skip
            else:
                import matplotlib

                # DejaVu first (its math symbols, e.g. the minus in 10⁻⁶ ticks), the Hangul font
                # as the fallback matplotlib uses glyph by glyph.
                matplotlib.rcParams["font.family"] = ["DejaVu Sans", family]
        _state["plot_lang"] = lang
    return _state["plot_lang"]


def plot_text(message: str) -> str:
    """``message`` for a plot's title, label or legend, in :func:`plot_language`."""
    return translations(plot_language()).gettext(message)


# ----------------------------------------------------------------------------- extraction and checks


def extract_messages(paths: list[Path]) -> dict[str, list[str]]:
    """Every literal message id passed to ``_``, ``N_`` or ``plot_text`` in ``paths``, with where it is."""
    found: dict[str, list[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, []).append(f"{path.name}:{node.lineno}")
    return found


def placeholders(message: str) -> list[tuple[str, str]]:
    """The ``{name:spec}`` fields of a message, sorted: a translation must keep every one."""
    return sorted(
        (name, spec or "") for _text, name, spec, _conv in string.Formatter().parse(message) if name
    )


def missing_translations(lang: str, message_ids: set[str]) -> list[str]:
    """The ids ``lang``'s catalog does not translate, or translates with other placeholders."""
    catalog = parse_po(catalog_path(lang).read_text(encoding="utf-8"))
    return sorted(
        msgid
        for msgid in message_ids
        if msgid not in catalog or placeholders(msgid) != placeholders(catalog[msgid])
    )


def po_entries(message_ids: list[str]) -> str:
    """Empty ``.po`` entries for ``message_ids``: what a translator fills in."""
    return "".join(f'msgid {_po_quote(m)}\nmsgstr ""\n\n' for m in message_ids)


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
