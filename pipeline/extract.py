"""Extraction: framework term hits per dimension and actor mentions (官产学研服) with roles.

Matching is on characters, with a trie of the C engine (``_cengine``) or Aho–Corasick automata
built from the framework file, so a term is found whether or not the segmenter keeps it whole.
The C engine also runs the actor rules below; the Python code here is their reference and
serves when the engine was not built. Nested terms follow the framework's
``nested`` rule: ``longest`` (default) keeps the longest match at each position and drops
terms inside it (新型城镇化 hides 城镇化); ``all`` keeps every match. Each dimension is matched
independently, so one phrase may count for two dimensions when the framework declares it.

Example:
    >>> hits = find_terms("推动市域产教联合体共建共享实训基地")
    >>> sorted({h.dimension for h in hits})
    ['actors', 'field', 'resources', 'value']
    >>> [(m.text, m.type, m.role) for m in find_mentions("政府统筹、企业牵引、学校主体")]
    [('政府', 'government', '统筹'), ('企业', 'enterprise', '牵引'), ('学校', 'school', '主体')]
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, islice
from operator import itemgetter

from .codebook import Framework, load_framework
from .types import Document, Mention, TermHit

try:
    from . import _cengine
except ImportError:  # not built (no compiler at install): ahocorasick_rs and Python loops serve
    _cengine = None

#: POS tags of tokens that may form the name in front of an organisation suffix (深圳 + 职业技术学院).
NAME_POS = frozenset({"ns", "nt", "nz", "nr", "nrt", "nrfg", "j", "eng"})
_ROLE_GAP = ("应当", "作为", "发挥", "要", "应", "为", "来", "负责", "积极", "充分")


@dataclass(frozen=True)
class _ActorEntry:
    types: tuple[str, ...]
    name: str
    extendable: bool
    needs_name: bool = False
    #: also a mention, bare, as an item of a list of actors (中央、地方、企业)
    list_only: bool = False


#: frameworks up to this many strings get a DFA; a DFA's memory grows fast with the patterns
#: (~6 MB for the bundled framework, ~200 MB at 30,000 terms), the default automaton's slowly
DFA_MAX_PATTERNS = 5_000


def _matcher(patterns: list[str], *, overlapping: bool):
    """text → [(pattern index, start, end)]: every match (``overlapping``), or the
    leftmost-longest non-overlapping ones. Offsets are in characters.

    The C engine's trie when it was built (about 3× faster on policy text), else an
    Aho–Corasick automaton: a DFA for a framework of usual size (a few milliseconds more to
    build than the default NFA, matching about 1.5× faster). Both give the same matches.
    """
    if _cengine is not None:
        return _cengine.Trie(patterns, overlapping).find
    import ahocorasick_rs

    kind = ahocorasick_rs.MatchKind.Standard if overlapping else ahocorasick_rs.MatchKind.LeftmostLongest
    if len(patterns) > DFA_MAX_PATTERNS:
        automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=kind)
    else:
        automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=kind, implementation=ahocorasick_rs.Implementation.DFA)
    if overlapping:
        return functools.partial(automaton.find_matches_as_indexes, overlapping=True)
    return automaton.find_matches_as_indexes


class TermMatcher:
    """Per-dimension automata over a framework's terms, with its exclusion phrases."""

    def __init__(self, framework: Framework):
        self.framework = framework
        self.longest = framework.nested == "longest"
        # One automaton for every dimension: each string maps to what it is in each dimension
        # (a term with weight and category, or an exclusion phrase); one pass over the text.
        entries: dict[str, list] = {}
        for k, d in enumerate(framework.dimensions):
            for e in d.exclude:
                entries.setdefault(e, []).append((k, None))
            for t in d.terms:
                entries.setdefault(t.text, []).append((k, (t.text, t.weight, t.category)))
        self.dim_ids = framework.dimension_ids
        # per string: (dimension index, TermHit fields but the offsets, or None for an exclusion)
        self._roles: list[tuple] = []
        for roles in entries.values():
            # a term and an exclusion of the same text in one dimension: the term stands
            by_dim: dict[int, tuple | None] = {}
            for k, val in roles:
                if by_dim.get(k) is None:
                    by_dim[k] = None if val is None else (self.dim_ids[k], val[2], val[0], val[1])
            self._roles.append(tuple(by_dim.items()))
        # Every match, nested ones included (the nesting rule is applied per dimension below).
        self._matches = _matcher(list(entries), overlapping=True) if entries else None
        # the C engine's twin of the nesting below, when built
        self._core = (_cengine.TermCore(self._matches.__self__, self._roles, len(self.dim_ids), self.longest,
                                        _record_spec(TermHit, 6))
                      if _cengine is not None and entries else None)

    def find(self, text: str) -> list[TermHit]:
        """Term hits in ``text`` sorted by position.

        The last few results are memoised: the featurizer, the scorer and the evidence of one
        unit all ask for the same text.
        """
        return list(self._find_cached(text))

    @lru_cache(maxsize=256)  # noqa: B019 - one matcher per framework lives for the process
    def _find_cached(self, text: str) -> tuple[TermHit, ...]:
        return tuple(self._find(text))

    def _find(self, text: str) -> list[TermHit]:
        if not text or self._matches is None:
            return []
        if self._core is not None:
            return self._core.find(text)
        matches = self._matches(text)
        if not matches:
            return []
        roles_of = self._roles
        # (start, −end, dimension): per dimension, the longest match at a position comes first
        found = [(start, -end, k, val) for i, start, end in matches for k, val in roles_of[i]]
        found.sort()
        kept = []
        if self.longest:
            last_end = [-1] * len(self.dim_ids)
            for start, neg_end, k, val in found:
                if start < last_end[k]:
                    continue  # leftmost-longest: a match inside an earlier, longer one of its dimension
                last_end[k] = -neg_end
                if val is not None:
                    kept.append((start, -neg_end, k, val))
        else:
            kept = [(start, -neg_end, k, val) for start, neg_end, k, val in found if val is not None]
        kept.sort()  # by position, then dimension
        return [TermHit(*val, start, end) for start, end, _, val in kept]


class ActorMatcher:
    """Actor mentions: generic nouns, aliases, suffix-named organisations, compounds, roles."""

    def __init__(self, framework: Framework, *, engine: str = "rjieba", userdict: str | None = None,
                 framework_path: str | None = None):
        self.framework = framework
        self._seg_key = (engine, framework_path, userdict)
        entries: dict[str, _ActorEntry | None] = {}
        for t in framework.actor_types:
            for word in t.terms:
                entries.setdefault(word, _ActorEntry((t.id,), word, True))
            for word in t.suffixes:
                entries.setdefault(word, _ActorEntry((t.id,), word, True, needs_name=True))
            for surface, norm in t.aliases:
                entries[surface] = _ActorEntry((t.id,), norm, True)
        for abbr, ids in framework.compounds:
            entries[abbr] = _ActorEntry(tuple(ids), abbr, False)
        for t in framework.actor_types:
            for word in t.list_only:
                known = entries.get(word)
                if known is None:
                    entries[word] = _ActorEntry((t.id,), word, False, list_only=True)
                elif known.types == (t.id,):
                    entries[word] = replace(known, list_only=True)  # a bare suffix (部门) in a list
        # An exclusion phrase of one type (保险公司 for enterprise) may be a term of another
        # (service): then the term stands. Exclusions take part in leftmost-longest matching
        # and hide what they cover.
        for t in framework.actor_types:
            for word in t.exclude:
                entries.setdefault(word, None)
        self._entries = list(entries.values())
        self._entry_of = entries
        self._has_list_only = any(e is not None and e.list_only for e in self._entries)
        self._matches = _matcher(list(entries), overlapping=False) if entries else None
        self.roles = sorted(framework.roles, key=len, reverse=True)
        # role word right after the mention, perhaps after a gap word (政府 + 应当 + 统筹); the
        # empty gap is tried first, then each gap in order, as a reader would
        gaps = "|".join(map(re.escape, _ROLE_GAP))
        self._role_re = re.compile(f"(?:|{gaps})({'|'.join(map(re.escape, self.roles))})") if self.roles else None
        self.person_nouns = tuple(sorted(framework.person_nouns, key=len, reverse=True))
        # after 的: up to four characters of modifier, then a person noun
        nouns = "|".join(map(re.escape, self.person_nouns)) or "(?!)"
        self._people_after_de = re.compile(rf"[\u4e00-\u9fff]{{0,4}}?(?:{nouns})")
        self._person_noun_re = re.compile(nouns)
        self._person_noun_set = frozenset(self.person_nouns)
        self.has_types = bool(framework.actor_types) and self._matches is not None
        # the C engine's twin of _find, when built
        self._core = _actor_core(self, entries) if _cengine is not None and entries else None

    def find(self, text: str, *, tagged: list[tuple[str, str]] | None = None) -> list[Mention]:
        """Actor mentions in ``text``; ``tagged``: (token, POS) pairs of str of the same text, if at hand."""
        if not text or not self.has_types:
            return []
        if tagged is None:
            return list(self._find_cached(text))
        return self._find(text, tagged)

    @lru_cache(maxsize=256)  # noqa: B019 - one matcher per framework lives for the process
    def _find_cached(self, text: str) -> tuple[Mention, ...]:
        return tuple(self._find(text, None))

    def _find(self, text: str, tagged) -> list[Mention]:
        if self._core is not None:
            return self._core.find(text, tagged)
        raw = self._raw(text, 0)
        if not raw:
            return []
        if tagged is None:
            tagged = _tag(self._seg_key, text)
        tokens = self._tokens(text, tagged, raw[-1][1])
        kept = []
        k = 0
        while k < len(raw):
            r = raw[k]
            k += 1
            if r[2] is None:
                # An exclusion hides what it covers, unless the segmenter keeps it inside a longer
                # word that starts with it (企业主 of the dictionary's 企业主体, 企业主导): then the
                # scan resumes with the longest shorter string at its start (企业)
                i = _token_at(r[0], tokens)
                if i >= 0 and tokens[0][i] == r[0] and tokens[1][i] > r[1]:
                    shorter = self._longest_at(text, r[0], r[1] - 1)
                    if shorter is None:
                        raw[k:] = self._raw(text, r[0] + 1)
                    else:
                        raw[k:] = [shorter] * self._raw_keeps(shorter, text) + self._raw(text, shorter[1])
                    tokens = self._tokens(text, tagged, len(text))
                continue
            if _straddles(r[0], r[1], tokens):
                # 提高|职业 holds no 高职, 分校|所在地 no 校所: the match cuts across words. But what
                # follows the cut may be an entry of its own (500|家中|小微|企业: 小微企业); if none
                # ends with the match, the scan resumes at the cut (汽车|企业: 企业, not 车企)
                cut = self._after_cut(r, text, tokens)
                if cut is None:
                    boundary = tokens[1][_token_at(r[0], tokens)]
                    if r[0] < boundary < r[1]:
                        raw[k:] = self._raw(text, boundary)
                        tokens = self._tokens(text, tagged, len(text))
                    continue
                r = cut
            if r[1] - r[0] == len(r[2].name) and _after_own(r[0], text, tokens):
                continue  # 本学校, 本企业: the speaker's own body, a pronoun in effect (日本企业 stays)
            kept.append(r)
        raw = kept
        # Named organisations: extend to the left over name-like tokens (深圳 + 职业技术学院).
        # A list-only word stays only as a whole word; whether it is in a list is judged below.
        in_list = []
        if any(r[2].extendable or r[2].list_only for r in raw):
            kept = []
            for r in raw:
                if r[2].extendable:
                    start = r[0]
                    r[0], anchored = _extend_left(r[0], r[1], tokens, nouns_anchor=r[2].needs_name and len(r[2].name) >= 2)
                    if r[2].needs_name and not anchored:
                        # a bare suffix (局, 学院) is no mention without a name before it
                        if r[2].list_only and _whole_word(start, r[1], tokens):
                            r[0] = start
                            in_list.append(r)
                        continue
                elif r[2].list_only:
                    if _whole_word(r[0], r[1], tokens):
                        in_list.append(r)
                    continue
                kept.append(r)
            raw = kept
        # Adjacent mentions of one type form one name (国务院 + 教育行政部门).
        merged: list[list] = []
        for r in raw:
            if merged and merged[-1][1] >= r[0] and merged[-1][2].types == r[2].types and len(r[2].types) == 1:
                merged[-1][1] = max(merged[-1][1], r[1])
                merged[-1][3] = True
                continue
            if merged and r[0] < merged[-1][1]:
                r[0] = merged[-1][1]
            merged.append([r[0], r[1], r[2], False])
        if in_list:
            merged = _with_listed(merged, in_list, text, tokens)
        # 企业职工 names people, not the firm; so does each item of a list before it
        # (职业院校和职业培训机构的教师).
        people = [self._names_people(text, e, tokens) for _, e, _, _ in merged]
        for k in range(len(merged) - 2, -1, -1):
            if people[k + 1] and not people[k] and text[merged[k][1]:merged[k + 1][0]] in _LIST_DELIMS:
                people[k] = True
        mentions = []
        for (s, e, entry, joined), names_people in zip(merged, people):
            if e <= s or names_people:
                continue
            surface = text[s:e]
            name = surface if (joined or surface != entry.name and len(surface) > len(entry.name)) else entry.name
            role = self._role(text, e)
            for t in entry.types:
                mentions.append(Mention(surface, t, s, e, name, role))
        return mentions

    def _raw(self, text: str, start: int) -> list[list]:
        """[start, end, entry] of the leftmost-longest matches from character ``start`` on;
        exclusions have the entry None. A bare list-only word with no list delimiter beside it
        is out before tokens are read."""
        entries = self._entries
        raw = [[s + start, e + start, entries[i]] for i, s, e in self._matches(text[start:] if start else text)]
        if self._has_list_only:
            raw = [r for r in raw if self._raw_keeps(r, text)]
        return raw

    @staticmethod
    def _raw_keeps(r: list, text: str) -> bool:
        return (r[2] is None or not r[2].list_only or r[2].extendable
                or text[r[0] - 1:r[0]] in _DELIM_CHARS or text[r[1]:r[1] + 1] in _DELIM_CHARS)

    def _longest_at(self, text: str, start: int, end: int) -> list | None:
        """[start, e, entry] of the longest entry or exclusion at ``start`` ending by ``end``."""
        for e in range(end, start, -1):
            if text[start:e] in self._entry_of:
                return [start, e, self._entry_of[text[start:e]]]
        return None

    def _after_cut(self, r: list, text: str, tokens) -> list | None:
        """The longest entry that starts at a token boundary inside the straddling match ``r``
        and ends where it ends, or None."""
        starts, ends, _, _ = tokens
        i = _token_at(r[0], tokens)
        while i + 1 < len(ends) and ends[i] < r[1] - 1:
            i += 1
            entry = self._entry_of.get(text[starts[i]:r[1]])
            if entry is not None:
                return [starts[i], r[1], entry]
        return None

    @staticmethod
    def _tokens(text: str, tagged, upto: int) -> tuple:
        """(starts, ends, tags, words) of the (word, POS) pairs of ``text``: offsets up to the
        token holding character ``upto − 1`` at least (a paragraph's matches look no further),
        tags and words of all. The ends are built at C speed; the rest are views read on demand."""
        # tokens past the last match are never looked at: guess how many come before it
        n = len(tagged)
        guess = min(n, upto * n // max(len(text), 1) + 8)
        ends = list(accumulate(map(len, map(itemgetter(0), islice(tagged, guess)))))
        if guess < n and (not ends or ends[-1] < upto):
            ends = list(accumulate(map(len, map(itemgetter(0), tagged))))
        return _Starts(ends), ends, _Column(tagged, 1), _Column(tagged, 0)

    def _names_people(self, text: str, end: int, tokens) -> bool:
        """Whether the mention ending at ``end`` qualifies people: 企业职工, 学校的教师, with 的
        and a short modifier between (外资企业的管理技术人员, 中介组织的从业人员), or with a short
        noun modifier and no 的 (企业技术人员, 职业学校专业课教师; not 学校聘任教师)."""
        if not self.person_nouns:
            return False
        rest = text[end:end + 12]
        if rest.startswith(self.person_nouns):
            return True
        if rest.startswith("的"):
            return self._people_after_de.match(rest, 1) is not None
        return self._people_after_nouns(text, end, tokens)

    def _people_after_nouns(self, text: str, end: int, tokens) -> bool:
        # the walk below reads a token only while the modifiers before it hold ≤ 4 characters,
        # so a person noun it can find ends within 4 + 6 characters of the mention
        if self._person_noun_re.search(text, end, end + 16) is None:
            return False  # no person noun near: no tokens to read
        _, ends, tags, words = tokens
        i = _token_at(end - 1, tokens)
        if i < 0 or ends[i] != end:
            return False
        j, chars, n = i + 1, 0, len(words)
        while j < n and chars <= 4:
            word, tag = words[j], tags[j]
            if j > i + 1 and word in self._person_noun_set:
                # 代表了, 代表着: the verb, not the representative
                return j + 1 >= n or words[j + 1] not in _ASPECT_PARTICLES
            if tag not in _MODIFIER_POS or len(word) > 6:
                return False
            if word.endswith(self.person_nouns):
                return True  # 技术人员, 体育教师: the person noun glued to its modifier
            chars += len(word)
            j += 1
        return False

    def _role(self, text: str, end: int) -> str:
        if self._role_re is None:
            return ""
        m = self._role_re.match(text, end, end + 8)
        return m.group(1) if m else ""


_NOUN_POS = frozenset({"n", "vn", "an", "ng", "mq"})  # jieba tags 零部件 as mq
#: first letters of the tags of function words: adverbs, prepositions, conjunctions, particles,
#: localisers, pronouns, punctuation (地方都要, 中央和地方间, 企业、事业单位和机关各自)
_FUNCTION_POS = frozenset("dpcuyfrx")
#: tokens that may modify a person noun after a mention (企业 + 技术 + 人员, 学校 + 专业课 + 教师);
#: not verbal nouns, often verbs in fact (科研机构 + 奖励 + 科研人员)
_MODIFIER_POS = frozenset({"n", "nz", "an"})
_GLUED_NOUN_POS = frozenset({"n", "vn", "l", "nz", "j"})
_LIST_DELIMS = frozenset({"、", "和", "或", "及", "与", "等", "或者"})
_ASPECT_PARTICLES = frozenset({"了", "着", "过"})
_DELIM_CHARS = frozenset(ch for d in _LIST_DELIMS for ch in d)
_MAX_NAME = 40


def _tag(seg_key: tuple, text: str) -> list[tuple[str, str]]:
    """(word, POS) pairs of ``text`` by the segmenter of ``seg_key`` (engine, framework, userdict)."""
    from .segment import load_segmenter

    return load_segmenter(*seg_key).tag(text)


def _actor_core(matcher: ActorMatcher, entries: dict):
    """The C engine's twin of ``matcher._find`` over its entries (string → entry or None)."""
    groups: dict[tuple, int] = {}
    info = []
    for e in entries.values():
        if e is None:
            info.append(None)
            continue
        flags = 2 * e.extendable | 4 * e.needs_name | 8 * e.list_only
        # adjacent mentions join when they carry the same single type
        group = groups.setdefault(e.types, len(groups)) if len(e.types) == 1 else -1
        info.append((flags, e.name, e.types, group))
    index = {word: k for k, (word, e) in enumerate(entries.items()) if e is not None}
    sets = (NAME_POS, _GLUED_NOUN_POS, _NOUN_POS, _QUALIFIERS, _BREAK_WORDS, _LEVEL_WORDS, _LEVEL_DELIMS, _LIST_DELIMS,
            _COMMON_SUFFIX_WORDS, matcher._person_noun_set, _ASPECT_PARTICLES, _MODIFIER_POS)
    chars = ["".join(sorted(s)) for s in (_DELIM_CHARS, _PREPOSITION_CHARS, _LEVEL_CHARS, _FUNCTION_POS)]
    # (matcher._matches is the bound find of a leftmost-longest Trie; the core takes the longest
    # role word at a place, as the alternation of matcher._role_re, longest first, does)
    return _cengine.ActorCore(matcher._matches.__self__, info, index, sets, chars, _cengine.Trie(matcher.person_nouns),
                              _cengine.Trie(matcher.roles), matcher.roles, ("", *_ROLE_GAP),
                              # (the key, not the matcher: the core would keep its matcher alive in a cycle)
                              functools.partial(_tag, matcher._seg_key), _record_spec(Mention, 6))


def _record_spec(cls: type, n_given: int) -> tuple:
    """(class, field names, defaults of the fields after the first ``n_given``): how the C
    engine makes the records ``cls(*values)`` would make."""
    fields = dataclasses.fields(cls)
    # the engine sets the fields itself: nothing else may happen in __init__
    if hasattr(cls, "__post_init__") or any(f.default is dataclasses.MISSING for f in fields[n_given:]):
        raise TypeError(f"{cls.__name__}: the C engine makes only plain records with defaults after field {n_given}")
    return cls, tuple(f.name for f in fields), tuple(f.default for f in fields[n_given:])


class _Starts:
    """Token starts as a view of the ends (the start of a token is the end of the one before)."""

    __slots__ = ("ends",)

    def __init__(self, ends: list[int]):
        self.ends = ends

    def __getitem__(self, i: int) -> int:
        return self.ends[i - 1] if i > 0 else 0


class _Column:
    """One field of the tagger's (word, POS) pairs, read by index."""

    __slots__ = ("pairs", "k")

    def __init__(self, pairs, k: int):
        self.pairs, self.k = pairs, k

    def __getitem__(self, i: int) -> str:
        return self.pairs[i][self.k]

    def __len__(self) -> int:
        return len(self.pairs)


def _token_at(pos: int, tokens) -> int:
    """Index of the token that holds character ``pos`` (−1 when there are no tokens)."""
    ends = tokens[1]
    return min(bisect.bisect_right(ends, pos), len(ends) - 1)


def _after_own(start: int, text: str, tokens) -> bool:
    """Whether the match follows the pronoun 本 (本学校, 对本学校 — the tagger gives 本 and 对本
    the pronoun tag r), not a word ending in 本 (日本 ns, 资本 n)."""
    if start == 0 or text[start - 1] != "本":
        return False
    _, ends, tags, _ = tokens
    i = _token_at(start - 1, tokens)
    return i >= 0 and ends[i] == start and tags[i] == "r"


def _straddles(start: int, end: int, tokens) -> bool:
    """Whether the match begins inside a token and runs past its end, or is a one-character
    suffix ending a two-character common word, alone or at the end of a longer one (布局, 当局,
    餐厅, 产业布局; 物价局 stays): a string of characters, not a word of the text."""
    starts, ends, tags, words = tokens
    i = _token_at(start, tokens)
    if i < 0 or starts[i] == start:
        return False
    if ends[i] < end:
        return True
    # (a common word stays one whatever its tag: the dictionary tags 新格局 nt)
    return end - start == 1 and ends[i] == end and (
        words[i][-2:] in _COMMON_SUFFIX_WORDS or end - starts[i] == 2 and tags[i] not in NAME_POS)


def _whole_word(start: int, end: int, tokens) -> bool:
    """Whether ``[start, end)`` begins and ends at token boundaries (地方 of 中央、地方, not of
    地方性法规)."""
    starts, ends, _, _ = tokens
    i = _token_at(start, tokens)
    if i < 0 or starts[i] != start:
        return False
    j = _token_at(end - 1, tokens)
    return ends[j] == end


def _with_listed(merged: list[list], listed: list[list], text: str, tokens) -> list[list]:
    """``merged`` mentions plus the list-only words that are items of a list of actors: next to
    a mention or to another such word, with only a list delimiter between (国家、地方、企业;
    中央、地方、基层), and ending their item (not 地方 of 部属高校与地方高等学校). Sorted by start."""
    # (a word taken into a longer name, 地方 of 地方教育部门, is no item of its own)
    listed = [r for r in listed if not any(s < r[1] and r[0] < e for s, e, _, _ in merged)]
    items = sorted([[s, e, entry, joined, True] for s, e, entry, joined in merged]
                   + [[r[0], r[1], r[2], False, False] for r in listed])
    starts_at = {item[0] for item in items}
    keep = [True] * len(items)
    for k, item in enumerate(items):
        if item[4]:
            continue
        if not _item_ends(item[1], text, tokens, starts_at):
            keep[k] = False
            continue
        # (学校、幼儿园等地方: after 等 comes the category of the list, not another item)
        gap = text[items[k - 1][1]:item[0]] if k > 0 else None
        prev_ok = gap in _LIST_DELIMS and gap != "等"
        next_ok = k + 1 < len(items) and text[item[1]:items[k + 1][0]] in _LIST_DELIMS
        keep[k] = prev_ok or next_ok
    return [item[:4] for item, ok in zip(items, keep) if ok]


def _item_ends(end: int, text: str, tokens, starts_at: set[int]) -> bool:
    """Whether a list item ends at ``end``: a delimiter, 的, punctuation, the end of the text, or a
    function word follows (中央部门和地方都要); not another item or a word it modifies (地方各级政府,
    地方预算, 地方保护主义)."""
    if end >= len(text):
        return True
    ch = text[end]
    if ch in _DELIM_CHARS or ch == "的" or not ch.isalnum():
        return True
    if end in starts_at:
        return False
    _, ends, tags, words = tokens
    j = _token_at(end - 1, tokens) + 1
    if j >= len(words):
        return True
    return tags[j][:1] in _FUNCTION_POS


def _extend_left(start: int, end: int, tokens, *, nouns_anchor: bool = False) -> tuple[int, bool]:
    """Start of the organisation name that ends in the match ``[start, end)``, and whether a
    name was found.

    The name takes in the token the match starts inside when that token ends with the match
    (深圳市人民政府 is one token; 人事局 ends with 局), name-like tokens before it (ns, nt, nz,
    nr, j, or a one-character level such as 市: 江川 + 职业技术学院, 市 + 人事局), common nouns
    when a name-like token stands before them (深圳市 + 机器人 + 协会), and lists of nouns that
    share the head (市科技、财政、审计等 + 部门). With ``nouns_anchor`` a common noun is enough
    (教育 + 部门).

    Args:
        tokens: (starts, ends, tags, words) of the text's tokens.
    """
    starts, ends, tags, words = tokens
    i = _token_at(start, tokens)
    if i < 0:
        return start, False
    best, anchored = start, False
    if starts[i] < start:
        if ends[i] != end:
            return start, False  # inside a longer word (以企业为主体): no name to take in
        # 深圳市人民政府 (ns) names a body; so, for a head that common nouns may name, does a
        # noun the segmenter glued to it (民政部门 n, 物价部门 l)
        best, anchored = starts[i], tags[i] in NAME_POS or (nouns_anchor and tags[i] in _GLUED_NOUN_POS)
    j, pending, after_delim = i - 1, None, False
    while j >= 0 and start - starts[j] <= _MAX_NAME:
        s, e, tag, word = starts[j], ends[j], tags[j], words[j]
        if word in _BREAK_WORDS:
            break
        if (tag in NAME_POS and e - s >= 2) or (e - s == 1 and word in _LEVEL_CHARS) or word in _LEVEL_WORDS:
            best, anchored, pending = s, True, None
            if word in _LEVEL_WORDS and j >= 2 and words[j - 1] in _LEVEL_DELIMS:
                # 省、自治区、直辖市 + 人民政府: levels listed before one head
                before = words[j - 2]
                if before in _LEVEL_WORDS:
                    j -= 2
                    continue
                if _glued_level(before):
                    best = ends[j - 2] - 1  # 报省、自治区…: the segmenter glued a verb to the level
                    break
        elif e == best and pending is None and (word in _QUALIFIERS or tag == "b"):
            best = s  # 其他 + 有关部门, 新型 + 研究开发机构: a qualifier right before the name
        elif e == best and _glued_level(word):
            best, anchored = e - 1, True  # 向市 + 人事局: the segmenter glued a preposition to the level
            break
        elif tag in _NOUN_POS or (after_delim and tag == "v" and e - s <= 2) or (nouns_anchor and tag == "l"):
            # (a fixed phrase names a department's field too: 生态环境 l + 部门)
            pending = pending if pending is not None else best
            best = s
            if nouns_anchor:
                anchored, pending = True, None
        elif (nouns_anchor and word in _LIST_DELIMS and j > 0 and tags[j - 1] in ("n", "vn", "v")
              and not words[j - 1].endswith(words[i])):
            # 科技、财政、审计等部门: a list of common nouns sharing one head (but 省计划行政管理
            # 部门、省科技行政管理部门 are two bodies: the item before the delimiter has its own head)
            after_delim = True
            j -= 1
            continue
        else:
            break
        after_delim = False
        j -= 1
    if pending is not None:
        best = pending  # trailing common nouns with no name before them are not part of it
    return best, anchored


_LEVEL_CHARS = frozenset("省市县区州盟旗乡镇村")
_LEVEL_WORDS = frozenset({"省", "自治区", "直辖市", "市", "县", "区", "乡", "镇", "自治州", "自治县", "地区", "州", "盟", "旗",
                          "设区的市", "县级市"})
_LEVEL_DELIMS = frozenset({"、", "和", "或", "及"})
#: Words that qualify the name right after them and belong to the mention (其他有关部门, 本级人民政府).
_QUALIFIERS = frozenset({"有关", "其他", "相关", "本级", "上级", "各级", "基层", "其他有关", "各", "主管"})
#: Words that end a name even where the segmenter tags them as nouns (国务院 + 会同 + 国务院其他有关部门).
_BREAK_WORDS = frozenset({"会同", "报", "经", "由", "向", "对", "在", "从", "与", "及其", "或者", "以及", "并"})
_PREPOSITION_CHARS = frozenset("向由对经在从与给报按据将受")
#: two-character common words ending in a one-character suffix (局, 厅), also at the end of a
#: longer word the segmenter keeps whole (产业布局, 新发展格局)
_COMMON_SUFFIX_WORDS = frozenset({"布局", "格局", "大局", "全局", "当局", "结局", "开局", "僵局", "时局", "变局", "新局", "破局",
                                  "困局", "残局", "骗局", "棋局", "定局", "战局", "败局", "出局", "饭局", "餐厅", "大厅", "展厅",
                                  "客厅", "门厅", "舞厅", "歌厅"})


def _glued_level(word: str) -> bool:
    """向市, 报省: a preposition or verb the segmenter glued to a one-character level."""
    return len(word) == 2 and word[0] in _PREPOSITION_CHARS and word[1] in _LEVEL_CHARS


def load_term_matcher(framework: str | None = None) -> TermMatcher:
    """Cached :class:`TermMatcher` for a framework file (None: the default framework)."""
    return _load_term_matcher(None if framework is None else str(framework))


@lru_cache(maxsize=8)
def _load_term_matcher(framework: str | None) -> TermMatcher:
    return TermMatcher(load_framework(framework))


def load_actor_matcher(framework: str | None = None, engine: str = "rjieba", userdict: str | None = None) -> ActorMatcher:
    """Cached :class:`ActorMatcher` for a framework file."""
    return _load_actor_matcher(None if framework is None else str(framework), engine, None if userdict is None else str(userdict))


@lru_cache(maxsize=8)
def _load_actor_matcher(framework: str | None, engine: str, userdict: str | None) -> ActorMatcher:
    return ActorMatcher(load_framework(framework), engine=engine, userdict=userdict, framework_path=framework)


def find_terms(text: str, *, framework: str | None = None) -> list[TermHit]:
    """Framework term hits in a text (see :class:`TermMatcher`)."""
    return load_term_matcher(framework).find(text)


def find_mentions(text: str, *, framework: str | None = None, engine: str = "rjieba", userdict: str | None = None) -> list[Mention]:
    """Actor mentions in a text (see :class:`ActorMatcher`)."""
    return load_actor_matcher(framework, engine, userdict).find(text)


def extract_mentions(
    docs: Iterable[Document], *, framework: str | None = None, engine: str = "rjieba", userdict: str | None = None
) -> Iterator[tuple[Document, list[Mention]]]:
    """Actor mentions of each document, offsets into ``document.text``, with the sentence's
    number in the document (``sent_idx``).

    Yields:
        (document, mentions) pairs.
    """
    matcher = load_actor_matcher(framework, engine, userdict)
    for doc in docs:
        out = []
        for k, s in enumerate(doc.sentences):
            for m in matcher.find(s.text):
                out.append(Mention(m.text, m.type, m.start + s.start, m.end + s.start, m.name, m.role, k))
        yield doc, out


def extract_terms(docs: Iterable[Document], *, framework: str | None = None) -> Iterator[tuple[Document, list[tuple[int, int, TermHit]]]]:
    """Term hits of each document as (para_idx, sent_idx, hit) with offsets into ``document.text``."""
    matcher = load_term_matcher(framework)
    for doc in docs:
        out = []
        for p in doc.paragraphs:
            for s in p.sentences:
                for h in matcher.find(s.text):
                    out.append((p.para_idx, s.sent_idx, TermHit(h.dimension, h.category, h.term, h.weight, h.start + s.start, h.end + s.start)))
        yield doc, out


def kwic(text: str, start: int, end: int, width: int = 15) -> tuple[str, str, str]:
    """Keyword in context: (left, keyword, right), each side at most ``width`` characters, one line."""
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return left, text[start:end], right


# ---------------------------------------------------------------- spaCy components


def register_spacy_components() -> None:
    """Register ``chanjiao_terms`` and ``chanjiao_actors`` as spaCy factories (idempotent)."""
    from spacy.language import Language

    if Language.has_factory("chanjiao_terms"):
        return

    @Language.factory("chanjiao_terms", default_config={"framework": None})
    def _terms(nlp, name, framework):
        return _SpanComponent("terms", framework, kind="terms")

    @Language.factory("chanjiao_actors", default_config={"framework": None, "engine": "rjieba", "userdict": None})
    def _actors(nlp, name, framework, engine, userdict):
        return _SpanComponent("actors", framework, kind="actors", engine=engine, userdict=userdict)


class _SpanComponent:
    """Writes matches into ``doc.spans[key]`` as token-aligned spans (label = dimension/type)."""

    def __init__(self, key: str, framework: str | None, *, kind: str, engine: str = "rjieba", userdict: str | None = None):
        self.key, self.framework, self.kind = key, framework, kind
        self.engine, self.userdict = engine, userdict

    def __call__(self, doc):
        from spacy.attrs import IDX
        from spacy.tokens import Span

        from .segment import doc_text

        text = doc_text(doc)
        if self.kind == "terms":
            found = [(h.start, h.end, h.dimension) for h in load_term_matcher(self.framework).find(text)]
        else:
            # (the segmenter's tags of this text are memoised: our tokenizer has just made them)
            found = [(m.start, m.end, m.type) for m in load_actor_matcher(self.framework, self.engine, self.userdict).find(text)]
        spans = []
        if found and len(doc):
            # widened to whole tokens, as char_span's "expand" (a mention inside 政府统筹 covers it)
            starts = doc.to_array(IDX).tolist()
            for s, e, label in found:
                i, j = bisect.bisect_right(starts, s) - 1, bisect.bisect_left(starts, e)
                if j > i >= 0:
                    spans.append(Span(doc, i, j, label=label))
        doc.spans[self.key] = spans
        return doc
