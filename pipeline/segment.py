"""Segmentation: jieba's algorithm behind a small interface, a domain dictionary, spaCy ``Doc``s.

Two engines share jieba's dictionary and algorithm: ``rjieba`` (the Rust port, default, ~17×
faster) and ``jieba`` (the Python reference). Every framework term and every entry of the
bundled domain dictionary is added to the engine, so 市域产教联合体 comes out as one token in
``cut``, ``tokenize`` and ``tag`` alike.

Segmenters hold unpicklable state (jieba's lock, a Rust object): build them in each process
through :func:`load_segmenter`, which caches per configuration; pass configuration, not
segmenters, between processes.

Example:
    >>> seg = load_segmenter()
    >>> seg.cut("市域产教联合体与产业集群")
    ['市域产教联合体', '与', '产业集群']
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .codebook import load_framework
from .errors import ConfigError, value_invalid_msg
from .types import Document

log = logging.getLogger(__name__)

#: Frequency given to framework terms that the dictionary does not hold, so they stay whole.
TERM_FREQ = 20000


class Engine(str, Enum):
    rjieba = "rjieba"
    jieba = "jieba"


def resource_path(name: str) -> Path:
    """Path of a file in the package's ``resources`` folder."""
    return Path(str(resources.files("pipeline") / "resources" / name))


def read_userdict(path: str | os.PathLike) -> list[tuple[str, int | None, str | None]]:
    """Entries ``word [freq] [pos]`` of a jieba-format dictionary file."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        pos = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, pos))
    return entries


@lru_cache(maxsize=4)
def load_stopwords(extra: str | None = None) -> frozenset[str]:
    """spaCy's Chinese stop words plus the bundled domain function words (and ``extra``, a file)."""
    words = set(_spacy_zh_stop_words())
    for path in [resource_path("stopwords_domain.txt")] + ([Path(extra)] if extra else []):
        if path.exists():
            words.update(w.strip() for w in path.read_text(encoding="utf-8-sig").splitlines() if w.strip())
    return frozenset(words)


def _spacy_zh_stop_words() -> set[str]:
    """spaCy's Chinese stop words, read from its module file without importing spaCy (slow)."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "zh" / "stop_words.py"
        if path.exists():
            namespace: dict = {}
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # a module of literals
            return set(namespace.get("STOP_WORDS", ()))
    from spacy.lang.zh.stop_words import STOP_WORDS

    return set(STOP_WORDS)


@lru_cache(maxsize=1)
def _rjieba_class():
    """rjieba's ``Jieba`` class, loaded from its extension module directly where possible.

    ``import rjieba`` builds a default instance with the whole dictionary (0.1 s) that we never
    use, since each Segmenter holds its own; every command would pay for it at start-up. The
    extension is registered under its usual name, so a later ``import rjieba`` reuses it.
    """
    import importlib.machinery
    import importlib.util
    import sys

    name = "rjieba.rjieba"
    if name not in sys.modules and "rjieba" not in sys.modules:
        try:
            package = importlib.util.find_spec("rjieba")
            folder = Path(package.origin).parent if package and package.origin else None
            found = [folder / f"rjieba{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES] if folder else []
            path = next((f for f in found if f.exists()), None)
            if path is not None:
                loader = importlib.machinery.ExtensionFileLoader(name, str(path))
                spec = importlib.util.spec_from_file_location(name, path, loader=loader)
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                sys.modules[name] = module
        except Exception:  # any surprise in the layout: the ordinary import below
            sys.modules.pop(name, None)
    if name in sys.modules:
        return sys.modules[name].Jieba
    import rjieba

    return rjieba.Jieba


class Segmenter:
    """jieba-compatible segmenter with offsets and POS.

    Attributes:
        engine: "rjieba" or "jieba".
        words: the user words added on top of jieba's dictionary.
    """

    def __init__(self, engine: str = "rjieba"):
        try:
            self.engine = Engine(engine).value
        except ValueError:
            raise ConfigError(value_invalid_msg("segmenter", engine, [e.value for e in Engine])) from None
        self.words: dict[str, str] = {}
        if self.engine == "rjieba":
            self._tok = _rjieba_class()()
            self._pos = None
        else:
            import jieba
            import jieba.posseg

            # jieba adds a DEBUG handler to its logger at import; keep its start-up chatter quiet.
            logging.getLogger("jieba").setLevel(logging.WARNING)
            self._tok = jieba.Tokenizer()
            # jieba's default cache lives in the shared /tmp; keep ours in the user's cache dir.
            cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "chanjiao"
            try:
                cache.mkdir(parents=True, exist_ok=True)
                self._tok.tmp_dir = str(cache)
            except OSError:
                pass
            self._tok.initialize()
            self._pos = jieba.posseg.POSTokenizer(self._tok)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """Add a word; without ``freq`` it gets one large enough to keep it whole."""
        if freq is None:
            freq = max(TERM_FREQ, int(self._tok.suggest_freq(word)) if self.engine == "jieba" else TERM_FREQ)
        self._tok.add_word(word, freq, tag or "nz")
        self.words[word] = tag or "nz"

    def cut(self, text: str) -> list[str]:
        """Tokens as strings (HMM on, like ``jieba.lcut``)."""
        if self.engine == "rjieba":
            return self._tok.cut(text)
        return self._tok.lcut(text)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """(token, start, end) with character offsets into ``text``."""
        if self.engine == "rjieba":
            return self._tok.tokenize(text)
        return list(self._tok.tokenize(text))

    def tag(self, text: str) -> list[tuple[str, str]]:
        """(token, POS) pairs; user words get the POS their dictionary gives.

        Recent results are memoised (actor names and keywords tag the same paragraphs).
        """
        return list(self._tag_cached(text))

    @lru_cache(maxsize=2048)  # noqa: B019 - segmenters are cached per process and live as long
    def _tag_cached(self, text: str) -> tuple[tuple[str, str], ...]:
        return tuple(self._tag(text))

    def _tag(self, text: str) -> list[tuple[str, str]]:
        if self.engine == "rjieba":
            return self._tok.tag(text)  # every user word was added with its tag
        pairs = [(p.word, p.flag) for p in self._pos.lcut(text)]
        words = self.words
        return [(w, words.get(w, t) if not t or t == "x" and w in words else t) for w, t in pairs]


def load_segmenter(engine: str = "rjieba", framework: str | None = None, userdict: str | None = None) -> Segmenter:
    """A segmenter with the domain dictionary and the framework's terms; cached per process.

    Args:
        engine: "rjieba" (default) or "jieba".
        framework: framework file (or bundled name); None for the default framework.
        userdict: an extra jieba-format dictionary file of the user's.
    """
    return _load_segmenter(engine, None if framework is None else str(framework), None if userdict is None else str(userdict))


@lru_cache(maxsize=8)
def _load_segmenter(engine: str, framework: str | None, userdict: str | None) -> Segmenter:
    # One cache key per configuration, however the caller spelled its arguments.
    seg = Segmenter(engine)
    for word, freq, pos in read_userdict(resource_path("userdict.txt")):
        seg.add_word(word, max(freq or 0, TERM_FREQ // 4), pos)
    if userdict:
        for word, freq, pos in read_userdict(userdict):
            seg.add_word(word, freq, pos)
    for word in load_framework(framework).all_terms():
        if word not in seg.words:
            seg.add_word(word, None, "nz")
    return seg


@dataclass(frozen=True)
class SegmentedParagraph:
    """Tokens of one paragraph: (token, start, end[, pos]) with offsets into ``Document.text``."""

    doc_id: str
    para_idx: int
    tokens: tuple[tuple[str, int, int], ...]
    pos: tuple[str, ...] = ()


def segment(
    docs: Iterable[Document],
    *,
    engine: str = "rjieba",
    framework: str | None = None,
    userdict: str | None = None,
    pos: bool = False,
) -> Iterator[tuple[Document, list[SegmentedParagraph]]]:
    """Segment documents paragraph by paragraph.

    Args:
        docs: Document records.
        engine: segmenter engine.
        framework: framework whose terms join the dictionary.
        userdict: extra user dictionary file.
        pos: also tag parts of speech.

    Yields:
        (document, its segmented paragraphs); offsets point into ``document.text``.

    Example:
        >>> from pipeline import read_text
        >>> _, paras = next(segment([read_text("校企合作共建实训基地")]))
        >>> [t for t, _, _ in paras[0].tokens]
        ['校企合作', '共建', '实训基地']
    """
    seg = load_segmenter(engine, framework, userdict)
    for doc in docs:
        out = []
        for p in doc.paragraphs:
            toks = tuple((t, s + p.start, e + p.start) for t, s, e in seg.tokenize(p.text))
            tags: tuple[str, ...] = ()
            if pos:
                tags = tuple(t for _, t in seg.tag(p.text))
                if len(tags) != len(toks):  # engines agree on tokens in tokenize and tag; guard anyway
                    tags = ()
            out.append(SegmentedParagraph(doc.doc_id, p.para_idx, toks, tags))
        yield doc, out


# ---------------------------------------------------------------- spaCy


#: Our tokenizer records the text a Doc was made from as span data over the whole Doc (the
#: user_data key of a span extension): spaCy rebuilds ``doc.text`` token by token on every access,
#: which costs more than our components themselves. Being span data, it follows ``Doc.from_docs``
#: and ``Span.as_doc`` correctly (a part or a merge no longer matches the key) and warns of nothing.
DOC_TEXT_EXTENSION = "chanjiao_text"


def _text_key(end: int) -> tuple:
    return ("._.", DOC_TEXT_EXTENSION, 0, end)


def doc_text(doc) -> str:
    """The text of a spaCy Doc, from our tokenizer's record when it made this very Doc."""
    if not len(doc):
        return doc.text
    last = doc[-1]
    end = last.idx + len(last.text_with_ws)
    text = doc.user_data.get(_text_key(end))
    return text if isinstance(text, str) and len(text) == end else doc.text


class JiebaSpacyTokenizer:
    """spaCy tokenizer over our segmenter (offsets kept: tokens concatenate to the text), with
    the segmenter's POS tags as ``token.tag_``."""

    def __init__(self, vocab, engine: str = "rjieba", framework: str | None = None, userdict: str | None = None):
        self.vocab = vocab
        self.engine, self.framework, self.userdict = engine, framework, userdict
        self._tag_ids: dict[str, int] = {}  # POS tag → its id in the vocab's strings

    def __call__(self, text: str):
        import numpy as np
        from spacy.attrs import TAG
        from spacy.tokens import Doc

        # tagged once: the actors component reads the same (memoised) tags for names
        pairs = load_segmenter(self.engine, self.framework, self.userdict).tag(text)
        words = [w for w, _ in pairs]
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        if words:
            # tags as string ids through from_array: a third of what Doc(tags=…) costs
            ids = self._tag_ids
            tags = np.fromiter((ids.get(t) or self._tag_id(t) for _, t in pairs), dtype=np.uint64, count=len(words))
            doc.from_array([TAG], tags.reshape(-1, 1))
        doc.user_data[_text_key(len(text))] = text
        return doc

    def _tag_id(self, tag: str) -> int:
        self._tag_ids[tag] = self.vocab.strings.add(tag or "x")
        return self._tag_ids[tag]

    # spaCy serialisation: the configuration is the state; the dictionary is package data.
    def to_bytes(self, **kwargs) -> bytes:
        import json

        return json.dumps([self.engine, self.framework, self.userdict]).encode()

    def from_bytes(self, data: bytes, **kwargs):
        import json

        self.engine, self.framework, self.userdict = json.loads(data)
        return self

    def to_disk(self, path, **kwargs) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path, **kwargs):
        return self.from_bytes(Path(path).read_bytes())


def _set_sentences(doc):
    import numpy as np
    from spacy.attrs import IDX, SENT_START

    from .split import split_sentences

    if not len(doc):
        return doc
    starts = np.fromiter((s.start for s in split_sentences(doc_text(doc))), dtype=np.int64)
    first = np.isin(doc.to_array(IDX), starts)
    first[0] = True
    doc.from_array([SENT_START], np.where(first, 1, -1).astype(np.uint64))
    return doc


def load_nlp(engine: str = "rjieba", framework: str | None = None, userdict: str | None = None, components: tuple[str, ...] = ("sentences", "terms", "actors")):
    """A ``spacy.blank("zh")`` Language using our segmenter, with our components.

    Components (in order): ``chanjiao_sentences`` (sentence starts by :mod:`pipeline.split`
    rules), ``chanjiao_terms`` (framework term hits in ``doc.spans["terms"]``, label = dimension
    id) and ``chanjiao_actors`` (actor mentions in ``doc.spans["actors"]``, label = type id).

    Spans are aligned to tokens: a mention inside a longer token (政府 in 政府统筹) covers that
    token; the exact character offsets are in the plain records of :mod:`pipeline.extract`.

    Example:
        >>> nlp = load_nlp()
        >>> doc = nlp("学校与企业合作。政府统筹。")
        >>> [(s.text, s.label_) for s in doc.spans["actors"]]
        [('学校', 'school'), ('企业', 'enterprise'), ('政府统筹', 'government')]
        >>> [s.text for s in doc.sents]
        ['学校与企业合作。', '政府统筹。']
    """
    return _load_nlp(engine, None if framework is None else str(framework), None if userdict is None else str(userdict), tuple(components))


@lru_cache(maxsize=4)
def _load_nlp(engine: str, framework: str | None, userdict: str | None, components: tuple[str, ...]):
    # One cache key per configuration, however the caller spelled its arguments.
    import spacy
    from spacy.language import Language
    from spacy.tokens import Span

    from . import extract

    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaSpacyTokenizer(nlp.vocab, engine, framework, userdict)
    if not Span.has_extension(DOC_TEXT_EXTENSION):
        Span.set_extension(DOC_TEXT_EXTENSION, default=None)  # doc[:]._.chanjiao_text is the text
    if not Language.has_factory("chanjiao_sentences"):
        Language.component("chanjiao_sentences")(_set_sentences)
    extract.register_spacy_components()
    if "sentences" in components:
        nlp.add_pipe("chanjiao_sentences")
    if "terms" in components:
        nlp.add_pipe("chanjiao_terms", config={"framework": framework})
    if "actors" in components:
        nlp.add_pipe("chanjiao_actors", config={"framework": framework, "engine": engine, "userdict": userdict})
    return nlp
