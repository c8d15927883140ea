"""The C extraction engine gives what the code paths it replaces give (ahocorasick_rs, Python loops)."""
import dataclasses
import json
import pickle
import random
import types
from pathlib import Path

import ahocorasick_rs
import pytest

from pipeline import extract, keywords
from pipeline.codebook import load_framework
from pipeline.segment import load_segmenter, load_stopwords
from pipeline.types import Mention, TermHit

try:
    from pipeline import _cengine
except ImportError:  # pragma: no cover - the package's install builds it; CI must too
    _cengine = None

ROOT = Path(__file__).resolve().parents[1]


def test_cengine_is_built():
    # optional=True lets an install without a compiler go on; here (dev, CI) it must have been built
    assert _cengine is not None, "pipeline._cengine was not built: pip install -e . (needs a C compiler)"


needs_engine = pytest.mark.skipif(_cengine is None, reason="C engine not built")

# letters of three string widths: Latin-1, CJK (2 bytes), astral (4 bytes)
ALPHABETS = ["abc", "企业学校政府", "ab企业𠀀𝕏"]


def _random_case(rng, alphabet):
    patterns = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 12))})
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
    return patterns, text


@needs_engine
@pytest.mark.parametrize("alphabet", ALPHABETS)
def test_trie_matches_like_aho_corasick(alphabet):
    rng = random.Random(7)
    for _ in range(300):
        patterns, text = _random_case(rng, alphabet)
        every = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard)
        leftmost = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        assert _cengine.Trie(patterns).find(text) == sorted(every.find_matches_as_indexes(text, overlapping=True),
                                                            key=lambda m: (m[1], m[2]))
        assert _cengine.Trie(patterns, False).find(text) == leftmost.find_matches_as_indexes(text)


@needs_engine
def test_trie_edges():
    assert _cengine.Trie([]).find("企业") == []
    assert _cengine.Trie(["", "企业"]).find("企业") == [(1, 0, 2)]  # an empty pattern never matches
    assert _cengine.Trie(["企业"]).find("") == []
    assert _cengine.Trie(["企业", "企业"]).find("企业") == [(0, 0, 2)]  # a repeated pattern: its first index
    with pytest.raises(TypeError):
        _cengine.Trie([1])
    with pytest.raises(TypeError):
        _cengine.Trie(["企业"]).find(b"x")


def _python_tfidf(pairs, top):
    saved = keywords._cengine
    keywords._cengine = None
    try:
        return keywords.tfidf_keywords("", top=top, tagged=pairs)
    finally:
        keywords._cengine = saved


@needs_engine
def test_keyword_counter_ranks_like_the_python_path():
    seg = load_segmenter()
    texts = [p for p in (ROOT / "corpus" / "sample" / "opinion_意见_深化产教融合_utf8-bom.txt").read_text(encoding="utf-8-sig").split("\n") if p]
    pairs = [pair for t in texts for pair in seg.tag(t)]
    for top in (0, 1, 5, 20, 10_000):
        assert keywords.tfidf_keywords("", top=top, tagged=pairs) == _python_tfidf(pairs, top)
    assert keywords.tfidf_keywords("", tagged=[]) == _python_tfidf([], 20) == []
    only_stop = [("的", "uj"), ("2024年", "m")]
    assert keywords.tfidf_keywords("", tagged=only_stop) == _python_tfidf(only_stop, 20) == []


@needs_engine
def test_keyword_counter_ties_grow_and_forget():
    idf = {"": 5.0}
    # ties go to the greater word, as heapq.nlargest over (score, word)
    counter = _cengine.KeywordCounter(idf, 5.0, load_stopwords(), keywords.KEEP_POS, 50)
    assert [w for w, _ in counter.top([("乙方", "n"), ("甲方", "n"), ("丙方", "n")], 2)] == ["甲方", "乙方"]
    # many new words in one call (the table grows mid-call), then the memo is bounded
    words = [(f"词{i:05d}", "n") for i in range(3000)] * 2 + [("企业", "n")] * 7
    best = counter.top(words, 3)
    assert best[0] == ("企业", pytest.approx(7 * 5.0 / 6007))
    assert counter.size() > 50
    counter.top([("企业", "n")], 1)
    assert counter.size() == 1  # over max_words: forgotten and judged afresh
    with pytest.raises(TypeError):
        counter.top([("企业",)], 1)


@needs_engine
def test_matchers_agree_with_and_without_the_engine(monkeypatch):
    fw = load_framework()
    seg = load_segmenter()
    texts = [p for f in sorted((ROOT / "corpus" / "sample").glob("*.txt")) for p in f.read_bytes().decode("utf-8", "ignore").split("\n") if p.strip()]
    assert len(texts) > 20
    # and the labeled sentences written here: a thousand sentences in the forms the rules were written for
    gold = [json.loads(line) for line in (ROOT / "corpus" / "labels" / "actor_mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    texts += [r["text"] for r in gold if r.get("text")]
    assert len(texts) > 1000
    with_c = extract.TermMatcher(fw), extract.ActorMatcher(fw)
    monkeypatch.setattr(extract, "_cengine", None)
    without = extract.TermMatcher(fw), extract.ActorMatcher(fw)
    assert with_c[1]._core is not None and without[1]._core is None
    n_mentions = 0
    for text in texts:
        tagged = seg.tag(text)
        assert with_c[0]._find(text) == without[0]._find(text)
        monkeypatch.setattr(extract, "_cengine", _cengine)
        a = with_c[1]._find(text, tagged)
        assert with_c[1]._find(text, None) == a  # the core tags the text itself when no tags are given
        monkeypatch.setattr(extract, "_cengine", None)
        assert a == without[1]._find(text, tagged)
        n_mentions += len(a)
    assert n_mentions > 2000


@needs_engine
def test_actor_engines_agree_on_random_texts_and_tokenisations(monkeypatch):
    # strings of the framework (entries, exclusions, person nouns, roles) and list words run
    # together, cut into tokens at random with random tags, sometimes tokens that do not spell
    # the text: every rule and every rescan of the scan is reached, in both paths
    fw = load_framework()
    with_c = extract.ActorMatcher(fw)
    monkeypatch.setattr(extract, "_cengine", None)
    pure = extract.ActorMatcher(fw)
    words = sorted(with_c._entry_of) + list(with_c.person_nouns) + list(with_c.roles)
    words += ["、", "和", "的", "本", "市", "省", "等", "，", "有关", "向市", "报省", "应当", "了", "a", "𠀀"]
    tags = ["n", "ns", "nt", "nz", "v", "vn", "l", "r", "x", "c", "p", "b", "uj", "j", "m", ""]
    rng = random.Random(15)
    n_mentions = 0
    for _ in range(3000):
        parts = [rng.choice(words) for _ in range(rng.randint(1, 10))]
        text = "".join(parts)
        if rng.random() < 0.3:
            pairs = [(p, rng.choice(tags)) for p in parts]
        else:
            cuts = sorted(rng.sample(range(1, len(text)), rng.randint(0, len(text) - 1))) if len(text) > 1 else []
            pairs = [(text[a:b], rng.choice(tags)) for a, b in zip([0, *cuts], [*cuts, len(text)])]
        if rng.random() < 0.05:
            pairs = pairs[:-1]
        expected = pure._find(text, pairs)
        monkeypatch.setattr(extract, "_cengine", _cengine)
        assert with_c._find(text, pairs) == expected, (text, pairs)
        monkeypatch.setattr(extract, "_cengine", None)
        n_mentions += len(expected)
    assert n_mentions > 5000


@needs_engine
def test_engine_objects_refuse_misuse():
    # made without __init__, initialised twice, or called again from Python code it runs
    with pytest.raises(RuntimeError):
        _cengine.Trie.__new__(_cengine.Trie).find("企业")
    with pytest.raises(RuntimeError):
        _cengine.KeywordCounter.__new__(_cengine.KeywordCounter).top([("企业", "n")], 1)
    trie = _cengine.Trie(["企业"])
    with pytest.raises(RuntimeError):
        trie.__init__(["学校"])
    assert trie.find("企业") == [(0, 0, 2)]
    counter = _cengine.KeywordCounter({"": 1.0}, 1.0, frozenset(), frozenset({"n"}))
    with pytest.raises(RuntimeError):
        counter.__init__({"": 1.0}, 1.0, frozenset(), frozenset({"n"}))

    class Reentrant:
        def __float__(self):
            with pytest.raises(RuntimeError, match="not re-entrant"):
                counter.top([("学校", "n")], 1)
            return 2.0

    core = extract.load_actor_matcher()._core
    trie, empty = _cengine.Trie(["企业"], False), _cengine.Trie([])
    args = [trie, [None], {}, [frozenset()] * 12, ["、", "向", "市", "d"], empty, empty, [], [""], lambda t: [(t, "n")],
            extract._record_spec(Mention, 6)]
    with pytest.raises(RuntimeError):
        core.__init__(*args)
    with pytest.raises(RuntimeError):
        _cengine.ActorCore.__new__(_cengine.ActorCore).find("企业", None)
    for k, bad, error in [(1, [], ValueError), (0, _cengine.Trie(["企业"]), ValueError), (3, [frozenset()] * 11, ValueError),
                          (3, [set()] * 11 + [1], TypeError), (7, ["x"], ValueError), (8, ["应"], ValueError),
                          (1, [(0, "企业", ("x", 1), 0)], TypeError), (10, (Mention, ("text",), ()), ValueError),
                          (10, Mention, TypeError)]:
        with pytest.raises(error):
            _cengine.ActorCore(*args[:k], bad, *args[k + 1:])
    assert _cengine.ActorCore(*args).find("企业", None) == []  # an exclusion alone
    with pytest.raises(TypeError):
        core.find("企业", [("企业",)])
    with pytest.raises(TypeError):
        core.find("企业", [(1, "n")])
    with pytest.raises(TypeError):
        core.find("企业", 5)
    term_core, spec = extract.load_term_matcher()._core, extract._record_spec(TermHit, 6)
    with pytest.raises(RuntimeError):
        term_core.__init__(_cengine.Trie(["企业"]), [()], 1, True, spec)
    with pytest.raises(RuntimeError):
        _cengine.TermCore.__new__(_cengine.TermCore).find("企业")
    for roles, error in [([(0, None), (1, None)], ValueError), ([("x",)], TypeError), ([((5, None),)], ValueError),
                         ([((0, ("a",)),)], TypeError)]:
        with pytest.raises(error):
            _cengine.TermCore(_cengine.Trie(["企业"]), roles, 1, True, spec)
    with pytest.raises(ValueError):
        _cengine.TermCore(_cengine.Trie(["企业"], False), [()], 1, True, spec)
    assert _cengine.TermCore(_cengine.Trie(["企业"]), [((0, None),)], 1, True, spec).find("企业") == []
    counter2 = _cengine.KeywordCounter({"企业": Reentrant(), "": 1.0}, 1.0, frozenset(), frozenset({"n"}))
    counter = counter2
    assert counter2.top([("企业", "n")], 1) == [("企业", 2.0)]


@needs_engine
def test_engine_holds_what_list_pairs_let_go_and_inits_once():
    # a str subclass's __hash__ (run inside a set lookup) drops the list pair's items: the
    # engine holds its own references (under ASan these were uses after free)
    class Tag(str):
        def __hash__(self):
            pairs[0][0], pairs[0][1] = "x", "n"
            return str.__hash__(self)

    pairs = [["".join(["甲", "乙"]), Tag("ns")], ["学校", "n"]]
    assert [m.text for m in extract.load_actor_matcher()._core.find("甲乙学校", pairs)] == ["甲乙学校"]
    pairs = [["".join(["企", "业", "园"]), Tag("n")]]
    counter = _cengine.KeywordCounter({"": 1.0}, 1.0, frozenset(), frozenset({"n"}))
    assert counter.top(pairs, 5) == [("企业园", 1.0)] and counter.top([("企业园", "n")] * 3, 5) == [("企业园", 1.0)]
    with pytest.raises(TypeError, match="of str"):
        counter.top([("企业", None)], 1)

    class Flag:  # __init__ called again from Python code the first __init__ runs
        def __bool__(self):
            with pytest.raises(RuntimeError, match="once"):
                trie.__init__(["学校"])
            return True

    trie = _cengine.Trie.__new__(_cengine.Trie)
    trie.__init__(["企业"], Flag())
    assert trie.find("企业") == [(0, 0, 2)]
    with pytest.raises(TypeError, match="cannot be instantiated"):
        _cengine.TermCore(_cengine.Trie(["企业"]), [()], 1, True, (types.FrameType, tuple("abcdef"), ()))


@needs_engine
def test_engine_takes_list_pairs_and_the_first_tag_like_the_python_path():
    pairs = [["企业", "n"], ["学校", "n"], ["企业", "n"]]
    assert keywords.tfidf_keywords("", tagged=pairs) == _python_tfidf(pairs, 20)
    # a word judged by the tag of its first occurrence, in both paths
    first_x = [("企业业", "x"), ("企业业", "n"), ("学校校", "n")]
    assert keywords.tfidf_keywords("", tagged=first_x) == _python_tfidf(first_x, 20)
    assert [w for w, _ in _python_tfidf(first_x, 20)] == ["学校校"]


@needs_engine
def test_engine_records_are_the_dataclasses():
    hits, mentions = extract.find_terms("推动市域产教联合体建设"), extract.find_mentions("政府统筹、企业牵引")
    assert hits and mentions and type(hits[0]) is TermHit and type(mentions[0]) is Mention
    m = mentions[0]
    assert m == Mention("政府", "government", 0, 2, "政府", "统筹") and m.sent_idx == -1  # the default is set
    assert hash(m) == hash(Mention("政府", "government", 0, 2, "政府", "统筹"))
    assert pickle.loads(pickle.dumps(hits)) == hits and dataclasses.asdict(m)["role"] == "统筹"
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.role = ""

    @dataclasses.dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self):
            pass

    with pytest.raises(TypeError, match="plain records"):
        extract._record_spec(Checked, 1)


def test_idf_table_values_must_be_finite(tmp_path):
    from pipeline.errors import ChanjiaoError

    bad = tmp_path / "idf.tsv"
    bad.write_text("#default\t9.0\n企业\tnan\n", encoding="utf-8")
    with pytest.raises(ChanjiaoError, match=r"idf.tsv: line 2: IDF 'nan' of '企业' is not a finite number"):
        keywords.load_idf(str(bad))
