"""Moroccan political actors: aliases (data file ``data/actors.json``) -> canonical ids.

>>> [(m.actor, m.surface, m.kind) for m in find_actors("صوتوا على الحمامة ضد البيجيديين")]
[('RNI', 'الحمامة', 'symbol'), ('PJD', 'البيجيديين', 'abbreviation')]
>>> main_actor("الحكومة فاشلة و بنكيران كذاب")
'PJD'

How matching works
    The post is folded one character at a time with ``normalize(ch, "search")`` (alef and
    hamza forms, ة→ه, ى→ي, diacritics and tatweel dropped, Darija letters, accents, case), with
    an offset map back to the input, so spans are exact: ``text[m.start:m.end] == m.surface``
    (characters outside the Latin, Arabic, Tifinagh, punctuation and compatibility blocks are
    kept as they are). One compiled regex, a trie of all alias forms, runs over the folded
    text. Every letter of a form may be repeated up to 30 times (elongation: الحكوووومة,
    akhannouuuch); the words of a form may be joined or split by spaces, ``_``, ``-`` or
    apostrophes (بن كيران / بنكيران, hashtags). Arabic-script forms take proclitics (و ف ب ك
    ل د ع, يا) and, on every word that starts with ال, the colloquial article ل (للبام،
    فالحكومة، لحكومة); forms marked ``nisba`` also take the suffixes ي ية يين يون ين ون يات ات
    ه (البيجيديين، الاستقلاليين). Latin forms match whole words, case-insensitively, without
    proclitics unless marked ``clitics`` (Arabizi ``l7koma``, ``wlmisba7``); forms marked
    ``upper`` (MP, UC, MAK) must be capitals in the input. Word boundaries are per script, so
    code-switching needs no space ("تجار الدين pjdو"). A mention is the whole word or phrase,
    clitics and suffixes included. Mentions never overlap: the leftmost match wins, then the
    longest ("حزب العدالة والتنمية" is one PJD mention, not PJD + "العدالة").

Kinds
    ``name`` (party name), ``abbreviation`` (PJD, البيجيدي, البام), ``leader`` (leaders,
    ministers, other politicians), ``symbol`` (the ballot symbol as a nickname: المصباح),
    ``nickname`` (الخوانجية) and ``institution`` (الحكومة, البرلمان, المخزن). Slogans are
    not actors: they are the slogan classifier's business.

Ambiguous words (the context rule)
    Forms that are also common words or names are marked ``context`` in the data file: the
    symbols الكتاب (book), الميزان (scale), الوردة (rose), السنبلة, الحصان, الرسالة, the
    nickname الإخوان (brothers), الأحرار (free people), الاستقلال (independence), العدالة,
    surnames (العنصر، اليوسفي), MP/UC... They count only when the same post has a political
    context cue (the ``context`` list: vote, party, election, government words...) or a sure
    mention of a party or of GOV; when they start with ال, the article must be written in
    full (لاستقلال "to independence" is not the party). The three dominant symbols المصباح،
    الجرار، الحمامة and the Arabizi symbols always count. Fixed phrases that would otherwise match
    (عيد الاستقلال، المغاربة الأحرار، العنصر النسوي، الحمامة البيضاء...) are stop phrases:
    they win by longest match and yield nothing. So "قريت الكتاب" gives no PPS while
    "صوتوا على الكتاب" gives PPS.

Government named by its party
    A GOV mention directly followed by a named actor (only spaces, or up to two link words
    such as ديال, dyal, de, السيد between) is dropped: "حكومة بنكيران", "l7koma dyal
    akhannouch" and "رئيس الحكومة السيد العثماني" are PJD / RNI, not GOV (guidelines §1.3).

Main actor rule (:func:`main_actor`)
    Three tiers, the first non-empty one decides: party mentions (PJD ... FGD), then named
    non-party actors (an OTHER_POL politician or party), then institutions (GOV, parliament,
    makhzen...). Within the tier, most mentions wins, ties going to the one mentioned first.
    So GOV is the main actor only when no party or politician is named (guidelines §1.3).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from arapol.text.normalize import normalize

__all__ = [
    "ACTORS",
    "KINDS",
    "Actor",
    "ActorMention",
    "actor_ids",
    "find_actors",
    "main_actor",
]


@dataclass(frozen=True)
class ActorMention:
    """One mention of a political actor: canonical id, surface as written, span in the input."""

    actor: str
    surface: str
    start: int
    end: int
    kind: str = "name"  # name | abbreviation | leader | symbol | nickname | institution

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Actor:
    """A canonical actor with display names.

    >>> ACTORS["RNI"].fr
    'Rassemblement national des indépendants'
    """

    id: str
    party: bool
    en: str
    fr: str
    ar: str


@dataclass(frozen=True)
class _Alias:
    actor: str | None  # None: stop phrase
    kind: str
    context: bool
    upper: bool
    clitics: bool
    nisba: bool
    full_article: bool  # an ambiguous form starting with ال: ال must be written in full


# ---------------------------------------------------------------- folding with offsets


# Unicode blocks whose characters normalization may change (Latin, combining marks, Arabic,
# punctuation and invisibles, letterlike, enclosed, Tifinagh, presentation and width forms,
# mathematical letters); every other character is kept as it is.
_FOLD_BLOCKS = (
    (0x0000, 0x0370), (0x0600, 0x0700), (0x0750, 0x0780), (0x08A0, 0x0900), (0x1E00, 0x1F00),
    (0x2000, 0x2070), (0x2100, 0x2150), (0x2460, 0x2500), (0x2D30, 0x2D80), (0xFB50, 0xFE10),
    (0xFE70, 0xFFF0), (0x1D400, 0x1D800), (0x1F100, 0x1F200),
)


@dataclass(frozen=True)
class _FoldTable:
    """``normalize(ch, "search")`` for every character it changes, split by output length."""

    same_length: dict[str, str]
    other: dict[str, str]  # dropped ("") or expanded (ligatures)
    same_length_re: re.Pattern[str]
    other_re: re.Pattern[str]


def _char_class(chars: Iterable[str]) -> re.Pattern[str]:
    """``[...]`` of ``chars`` written as ranges (a long list of single characters is slow)."""
    codes, parts = sorted(map(ord, chars)), []
    while codes:
        low = high = codes.pop(0)
        while codes and codes[0] == high + 1:
            high = codes.pop(0)
        parts.append(re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else ""))
    return re.compile("[" + "".join(parts) + "]")


@cache
def _fold_table() -> _FoldTable:
    same: dict[str, str] = {}
    other: dict[str, str] = {}
    for low, high in _FOLD_BLOCKS:
        for ch in map(chr, range(low, high)):
            out = normalize(ch, "search")
            if out != ch:
                (same if len(out) == 1 else other)[ch] = out
    return _FoldTable(same, other, _char_class(same), _char_class(other))


@dataclass(frozen=True)
class _Folded:
    text: str
    index: list[int] | None  # folded position -> input position; None when identical


def _fold(text: str) -> _Folded:
    """Fold ``text`` character by character, keeping the way back to input offsets."""
    table = _fold_table()
    folded = text
    for ch in set(table.same_length_re.findall(text)):
        folded = folded.replace(ch, table.same_length[ch])
    if table.other_re.search(text) is None:
        return _Folded(folded, None)
    pieces: list[str] = []
    index: list[int] = []
    last = 0
    for m in table.other_re.finditer(text):
        i = m.start()
        out = table.other[text[i]]
        pieces += [folded[last:i], out]
        index += [*range(last, i), *[i] * len(out)]
        last = i + 1
    pieces.append(folded[last:])
    index += range(last, len(text))
    return _Folded("".join(pieces), index)


def _is_dropped_in_word(ch: str) -> bool:
    """A character folding drops but that belongs to the word (diacritic, tatweel, hamza ء)."""
    return _fold_table().other.get(ch) == "" and unicodedata.category(ch)[0] in "LM"


def _span(folded: _Folded, text: str, start: int, end: int) -> tuple[int, int]:
    """Input span of the folded span; trailing diacritics, tatweel, ء stay with the word."""
    if folded.index is None:
        return start, end
    start, end = folded.index[start], folded.index[end - 1] + 1
    while end < len(text) and _is_dropped_in_word(text[end]):
        end += 1
    return start, end


# ---------------------------------------------------------------- alias forms -> regex

_SEP, _ART = "\x00", "\x01"  # trie units: word separator, article ال / ل
_END, _END_NISBA = "", "\x02"  # trie node marks: a form ends here (nisba: suffixes allowed)
# a letter may be repeated up to 30 times (elongation); bounded, so that a long run of one
# letter costs linear time
_LETTER_REPEAT = "{1,30}"
_UNIT_RE = {_SEP: r"[\s_'’\-]{0,3}", _ART: "ا?ل"}
_SEP_RE = re.compile(r"[\s_'’\-]+")
_RUN_RE = re.compile(r"(.)\1+", re.DOTALL)
_BRACE_RE = re.compile(r"\{([^{}]*)\}")
_B = r"(?<![^\W_])"  # word boundary where "_" separates (hashtags)
_E = r"(?![^\W_])"
# script-aware boundaries, so that code-switching needs no space ("تجار الدين pjdو", "لpam")
_AR_B, _AR_E = r"(?<![^\W_\x00-\x7f])", r"(?![^\W_\x00-\x7f])"
_OTHER_WORD = r"a-z\u00c0-\u024f\u2d30-\u2d7f"  # digits may follow: #PJD2026, #RNI2021
_OTHER_B, _OTHER_E = f"(?<![0-9{_OTHER_WORD}])", f"(?![{_OTHER_WORD}])"
_AR_PREFIX = "(?:يا|[وف][بكلدع]?|[بكلدع])??"
_LATIN_PREFIX = "(?:[wfbd]?(?:el|al|l)|[wfbd])??"
_NISBA_SUFFIXES = ("يين", "يون", "يات", "يه", "ين", "ون", "ات", "ي", "ه")  # longest first
_NISBA = "|".join(_NISBA_SUFFIXES)


def _expand(form: str) -> list[str]:
    """Shell-like brace expansion.

    >>> _expand("a{kh,5}anouch{e,}")
    ['akhanouche', 'akhanouch', 'a5anouche', 'a5anouch']
    """
    m = _BRACE_RE.search(form)
    if m is None:
        return [form.strip()]
    head, tail = form[: m.start()], form[m.end():]
    return [out for opt in m.group(1).split(",") for out in _expand(head + opt + tail)]


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or ch == _ART


def _units(form: str) -> list[str]:
    """Trie units of a folded form: letters (runs collapsed), separators, articles."""
    units: list[str] = []
    for word in _SEP_RE.split(_fold(form).text.strip()):
        if units:
            units.append(_SEP)
        if len(word) > 3 and word.startswith("وال"):
            units += ["و", _SEP]
            word = word[1:]
        if len(word) > 2 and word.startswith("ال"):
            units.append(_ART)
            word = word[2:]
        for ch in word:
            if not units or units[-1] != ch:
                units.append(ch)
    return units


def _key(folded: str) -> str:
    """Lookup key shared by forms and matched text: no separators, ال -> ل, runs collapsed."""
    return _RUN_RE.sub(r"\1", _SEP_RE.sub("", folded).replace("ال", "ل"))


def _first_chars(forms: list[tuple[list[str], bool]], prefixes: str) -> str:
    chars = {units[0] for units, _ in forms if units[0] != _ART} | set(prefixes)
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _trie_regex(forms: Iterable[tuple[list[str], bool]]) -> str:
    """One regex for all forms (units, nisba?): shared prefixes, greedy so longest first."""
    trie: dict[str, Any] = {}
    for units, nisba in forms:
        node = trie
        for unit in units:
            node = node.setdefault(unit, {})
        node[_END_NISBA if nisba else _END] = {}
    return _node_regex(trie) or "(?!)"


def _node_regex(node: dict[str, Any]) -> str:
    # letters before separators: "بنكيرانه" must not stop at the "بن كيران" path
    units = sorted((u for u in node if u not in (_END, _END_NISBA)), key=lambda u: (u == _SEP, u))
    alts = [(_UNIT_RE.get(u) or re.escape(u) + _LETTER_REPEAT) + _node_regex(node[u])
            for u in units]
    if _END_NISBA in node:
        alts.append(_NISBA)
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if _END in node or _END_NISBA in node else body


# ---------------------------------------------------------------- data


def _load() -> dict[str, Any]:
    return json.loads(files("arapol").joinpath("data/actors.json").read_text(encoding="utf-8"))


_DATA = _load()
ACTORS: dict[str, Actor] = {a["id"]: Actor(**a) for a in _DATA["actors"]}
KINDS: tuple[str, ...] = tuple(_DATA["kinds"])
_ALIAS_KEYS = {"actor", "kind", "forms", "context", "upper", "clitics", "nisba"}
# a sure mention of these makes a post political enough for the ambiguous forms
_CONTEXT_ACTORS = frozenset(a.id for a in ACTORS.values() if a.party) | {"GOV"}


def actor_ids() -> tuple[str, ...]:
    """Canonical actor ids, in the data file's order.

    >>> actor_ids()[:3]
    ('PJD', 'PAM', 'RNI')
    """
    return tuple(ACTORS)


def _alias(entry: dict[str, Any], form: str) -> _Alias:
    actor, kind = entry["actor"], entry["kind"]
    if set(entry) - _ALIAS_KEYS:
        raise ValueError(f"unknown alias keys {sorted(set(entry) - _ALIAS_KEYS)} in {entry}")
    if actor not in ACTORS and not (actor is None and kind == "stop"):
        raise ValueError(f"unknown actor {actor!r} for {form!r}")
    if actor is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} for {form!r}")
    folded, context = _fold(form).text, entry.get("context", False)
    if not folded.strip():
        raise ValueError(f"empty alias form in {entry}")
    clitics = entry.get("clitics", _is_arabic(folded[:1]))
    return _Alias(actor, kind, context, entry.get("upper", False), clitics,
                  entry.get("nisba", False), context and folded.startswith("ال"))


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    aliases: dict[str, _Alias]  # _key(form) -> alias
    context: re.Pattern[str]
    gap: re.Pattern[str]


def _context_regex(cues: dict[str, list[str]]) -> str:
    """Cues: ``substrings`` anywhere; ``words`` at a word start, whole unless ending in ``*``."""
    anywhere = [re.escape(_fold(c).text) for c in cues["substrings"]]
    words = [
        re.escape(_fold(c[:-1]).text) if c.endswith("*") else re.escape(_fold(c).text) + _E
        for cue in cues["words"]
        for c in _expand(cue)
    ]
    return "|".join(anywhere) + "|" + _B + "(?:" + "|".join(words) + ")"


@cache
def _matcher() -> _Matcher:
    aliases: dict[str, _Alias] = {}
    tries: dict[bool, list[tuple[list[str], bool]]] = {True: [], False: []}
    for entry in _DATA["aliases"]:
        for form in (f for raw in entry["forms"] for f in _expand(raw)):
            alias, units = _alias(entry, form), _units(form)
            key = _key("".join(u for u in units if u != _SEP).replace(_ART, "ال"))
            if aliases.setdefault(key, alias) != alias:
                raise ValueError(f"alias {form!r} conflicts with {aliases[key]}")
            tries[_is_arabic(units[0])].append((units, alias.nisba))
    # a cheap first-character test per script spares most words the trie walk
    ar_first, other_first = (_first_chars(tries[s], prefix) for s, prefix in
                             ((True, "يوفبكلدعا"), (False, "wfbdela")))
    pattern = (
        f"(?={ar_first}){_AR_B}(?P<ap>{_AR_PREFIX})(?P<ac>{_trie_regex(tries[True])}){_AR_E}"
        f"|(?={other_first}){_OTHER_B}(?P<lp>{_LATIN_PREFIX})"
        f"(?P<lc>{_trie_regex(tries[False])}){_OTHER_E}"
    )
    links = "|".join(re.escape(_fold(t).text) for t in _DATA["government_links"])
    gap = rf"[\s_'’\-]*(?:(?:{links})[.\s_'’\-]+){{0,2}}"
    return _Matcher(re.compile(pattern), aliases, re.compile(_context_regex(_DATA["context"])),
                    re.compile(gap))


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Candidate:
    start: int  # folded span
    end: int
    alias: _Alias


def _lookup(core: str, aliases: dict[str, _Alias]) -> _Alias | None:
    """The alias of a matched form, trying it without a nisba suffix when needed."""
    alias = aliases.get(_key(core))
    if alias is not None:
        return alias
    for suffix in _NISBA_SUFFIXES:
        if core.endswith(suffix):
            alias = aliases.get(_key(core[: -len(suffix)]))
            if alias is not None and alias.nisba:
                return alias
    return None


def _written_article(prefix: str, core: str) -> bool:
    """ال written in full, or merged with the preposition ل (للكتاب = ل + الكتاب)."""
    return core.startswith("ال") or (prefix.endswith("ل") and core.startswith("ل"))


def _accept(m: re.Match[str], alias: _Alias, text: str, folded: _Folded) -> bool:
    clitic = m.group("ap") if m.group("ac") is not None else m.group("lp")
    if clitic and not alias.clitics:
        return False
    if alias.full_article and not _written_article(m.group("ap"), m.group("ac")):
        return False  # colloquial ل is also the preposition: لاستقلال, لدولة, لكتاب
    if alias.upper:
        start, end = _span(folded, text, *m.span("ac" if m.group("ac") is not None else "lc"))
        return text[start:end].isupper()
    return True


def _candidates(text: str, folded: _Folded, matcher: _Matcher) -> list[_Candidate]:
    found = []
    for m in matcher.pattern.finditer(folded.text):
        core = m.group("ac") if m.group("ac") is not None else m.group("lc")
        alias = _lookup(core, matcher.aliases)
        if alias is not None and _accept(m, alias, text, folded):
            found.append(_Candidate(m.start(), m.end(), alias))
    return found


def _resolve(found: list[_Candidate], folded: str, matcher: _Matcher) -> list[_Candidate]:
    """Drop stop phrases, context-less ambiguous forms and GOV named by its party."""
    real = [c for c in found if c.alias.actor is not None]
    if any(c.alias.context for c in real):
        ok = any(not c.alias.context and c.alias.actor in _CONTEXT_ACTORS for c in real)
        ok = ok or matcher.context.search(folded) is not None
        real = [c for c in real if ok or not c.alias.context]
    return [c for i, c in enumerate(real) if not _named_gov(c, real[i + 1:i + 2], folded, matcher)]


def _named_gov(c: _Candidate, following: list[_Candidate], folded: str, matcher: _Matcher) -> bool:
    if c.alias.actor != "GOV" or not following:
        return False
    nxt = following[0]
    return (nxt.alias.actor != "GOV" and nxt.alias.kind != "institution"
            and matcher.gap.fullmatch(folded, c.end, nxt.start) is not None)


def find_actors(text: str) -> list[ActorMention]:
    """Every actor mention in ``text``, in order, non-overlapping (see the module docstring).

    >>> [(m.actor, m.surface) for m in find_actors("l7okouma dyal akhannouch fachla")]
    [('RNI', 'akhannouch')]
    >>> [(m.actor, m.start, m.end) for m in find_actors("قريت الكتاب")]
    []
    """
    if not text:
        return []
    matcher = _matcher()
    folded = _fold(text)
    mentions = []
    for c in _resolve(_candidates(text, folded, matcher), folded.text, matcher):
        start, end = _span(folded, text, c.start, c.end)
        mentions.append(ActorMention(str(c.alias.actor), text[start:end], start, end, c.alias.kind))
    return mentions


def main_actor(text_or_mentions: str | Iterable[ActorMention]) -> str | None:
    """The post's main actor: parties, then named politicians, then institutions (see above).

    >>> main_actor("البرلمان والحكومة والحكومة")
    'GOV'
    >>> main_actor("ما كاين والو") is None
    True
    """
    if isinstance(text_or_mentions, str):
        mentions = find_actors(text_or_mentions)
    else:
        mentions = list(text_or_mentions)
    for tier in (0, 1, 2):
        pool = [m.actor for m in mentions if _tier(m) == tier]
        if pool:
            counts = Counter(pool)
            top = max(counts.values())
            return next(a for a in pool if counts[a] == top)
    return None


def _tier(mention: ActorMention) -> int:
    actor = ACTORS.get(mention.actor)
    if actor is not None and actor.party:
        return 0
    return 2 if mention.kind == "institution" else 1
