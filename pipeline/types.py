"""Plain records passed between stages.

All records are frozen dataclasses of plain values so they pickle (process pools, Dask) and turn
into table rows with ``dataclasses.asdict``. Offsets are character offsets into ``Document.text``
(the cleaned, simplified text) unless a field says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """A sentence: ``text == document.text[start:end]``."""

    doc_id: str
    para_idx: int
    sent_idx: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (or, in laws, an article 第X条 with all its paragraphs).

    Attributes:
        section: the path of headings above it, outermost first, e.g. ("第一章 总则",).
        is_heading: True for a heading line itself (一、场域重合).
        heading_level: level of the heading (1 = 一、/第一章 …) or 0.
    """

    doc_id: str
    para_idx: int
    text: str
    start: int
    end: int
    section: tuple[str, ...] = ()
    is_heading: bool = False
    heading_level: int = 0
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Document:
    """One cleaned document with its metadata and structure.

    Attributes:
        text: cleaned text in simplified characters; all offsets point into it.
        original_text: the cleaned text before traditional→simplified conversion (same length
            and offsets), or "" when no conversion happened.
        meta: other fields (record files keep their extra fields here).
        warnings: problems met while reading (undecodable bytes replaced, …).
    """

    doc_id: str
    path: str
    text: str
    title: str = ""
    date: str = ""
    source: str = ""
    original_source: str = ""
    issuer: str = ""
    doc_number: str = ""
    format: str = ""
    encoding: str = ""
    script: str = "simplified"
    original_text: str = ""
    warnings: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    paragraphs: tuple[Paragraph, ...] = ()

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]


@dataclass(frozen=True)
class Failure:
    """A file (or record) that could not be processed, and why."""

    path: str
    reason: str
    stage: str = "ingest"


@dataclass(frozen=True)
class TermHit:
    """A framework term found in a text (``text[start:end] == term``)."""

    dimension: str
    category: str
    term: str
    weight: float
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """An actor mention (``text[start:end] == surface``).

    A compound such as 校企 yields one Mention per actor type it carries, with the same span.
    """

    text: str
    type: str
    start: int
    end: int
    name: str = ""
    role: str = ""
    sent_idx: int = -1
