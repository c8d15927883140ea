"""Structure: headings, paragraphs (or law articles) with section paths, and sentences.

Example:
    >>> paras = split_paragraphs("一、总体要求\\n坚持产教融合。推进校企合作。", doc_id="d1")
    >>> [(p.text, p.section, len(p.sentences)) for p in paras]
    [('一、总体要求', (), 1), ('坚持产教融合。推进校企合作。', ('一、总体要求',), 2)]
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .types import Paragraph, Sentence

_NUM = "一二三四五六七八九十百千零〇两"
ARTICLE = re.compile(rf"^第[{_NUM}\d]+条")
_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{_NUM}\d]+[编章](?:\s|$)")),
    (2, re.compile(rf"^第[{_NUM}\d]+节(?:\s|$)")),
    (1, re.compile(rf"^[{_NUM}]+\s*[、．.]")),
    (2, re.compile(rf"^[（(]\s*[{_NUM}]+\s*[）)]")),
    (3, re.compile(r"^\d{1,2}\s*[、．.](?!\d)")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
]
_MD_HEADING = re.compile(r"^(#{1,6})\s+")
_MAX_HEADING = 40


def heading_level(line: str) -> int:
    """Level of a heading marker at the start of ``line`` (0 if none).

    Example:
        >>> heading_level("（二）主要任务"), heading_level("第三章 附则"), heading_level("坚持产教融合")
        (2, 1, 0)
    """
    for level, pattern in _HEADINGS:
        if pattern.match(line):
            return level
    return 0


_CHAPTER = re.compile(rf"^第[{_NUM}\d]+[编章节](?:\s|$)")


def _heading_name(body: str) -> str:
    """"第一章　总　则" → "第一章 总则": one space after a chapter marker, none inside Chinese."""
    m = re.match(rf"^(第[{_NUM}\d]+[编章节])\s*(.*)$", body)
    if m:
        rest = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", m.group(2).strip())
        return f"{m.group(1)} {rest}".strip()
    return re.sub(r"\s+", " ", body).strip()


def _lead_phrase(line: str) -> str:
    m = re.search(r"[。：:；]", line)
    lead = line[: m.start()] if m else line
    return lead if len(lead) <= 30 else ""


# A sentence: a run of plain characters and whole quoted or bracketed groups (one level, each at
# most 300 characters; an unclosed opener counts as a plain character), then end punctuation
# with any closing marks after it. Quotes and brackets thus never split a sentence.
_GROUPS = "|".join(f"{re.escape(o)}[^{re.escape(c)}\\n]{{0,300}}{re.escape(c)}" for o, c in zip("“‘「『（(《【〔［", "”’」』）)》】〕］"))
_OPENERS = re.escape("“‘「『（(《【〔［")
# Runs of plain characters are taken whole, so the engine tries the quote groups only at an
# opening mark: same sentences, three times faster than one character at a time. (The tail is
# optional, so a match never fails and the nested repeat never backtracks.)
_SENTENCE = re.compile(rf"(?:{_GROUPS}|[^。！？!?…\n{_OPENERS}]+|[{_OPENERS}])+(?:[。！？!?…]+[”’」』）)]*)?|[。！？!?…]+[”’」』）)]*")


def split_sentences(text: str, *, offset: int = 0, doc_id: str = "", para_idx: int = 0) -> list[Sentence]:
    """Split on Chinese end punctuation (。！？…) and line breaks, never inside quotes or brackets.

    A quote or bracket left open for more than 300 characters stops protecting its content, so
    one stray “ cannot swallow a whole document. Runs at regular-expression speed.
    """
    sentences: list[Sentence] = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        s += len(raw) - len(raw.lstrip())
        sentences.append(Sentence(doc_id, para_idx, len(sentences), stripped, offset + s, offset + s + len(stripped)))
    return sentences


def split_paragraphs(text: str, *, doc_id: str = "", articles: bool | None = None) -> list[Paragraph]:
    """Paragraphs of cleaned text (one per line), with headings and section paths.

    Args:
        text: cleaned text, one paragraph per line.
        doc_id: stamped on every record.
        articles: treat 第X条 as units that absorb the lines below them until the next article or
            heading (laws and regulations). None: on when at least three lines start with 第X条.

    Returns:
        Paragraph records with offsets into ``text`` and their sentences.
    """
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append((s + lead, s + lead + len(stripped), stripped))
    if articles is None:
        articles = sum(1 for _, _, x in lines if ARTICLE.match(x)) >= 3
    units: list[tuple[int, int, tuple[str, ...], bool, int]] = []
    stack: list[tuple[int, str]] = []  # (level, heading text)
    open_article = False
    for s, e, line in lines:
        md = _MD_HEADING.match(line)
        body = line[md.end():] if md else line
        level = heading_level(body)
        if md and not level:
            level = len(md.group(1))
        is_article = articles and bool(ARTICLE.match(line))
        if articles and not md and not _CHAPTER.match(body):
            level = 0  # 一、（一） 1. inside an article are list items, not headings
        short = len(body) <= _MAX_HEADING and not re.search(r"[。；]", body[:-1])
        if level and (md or short) and not is_article:
            name = _heading_name(body)
            stack = [(lv, h) for lv, h in stack if lv < level]
            units.append((s, e, tuple(h for _, h in stack), True, level))
            stack.append((level, name))
            open_article = False
            continue
        if level and not is_article:
            # "（一）加强组织领导。各地要……": the lead phrase names a subsection.
            stack = [(lv, h) for lv, h in stack if lv < level]
            lead = _lead_phrase(body)
            section = tuple(h for _, h in stack) + ((lead,) if lead else ())
            units.append((s, e, section, False, 0))
            open_article = False
            continue
        if articles and open_article and not is_article:
            ps, _, sec, _, _ = units[-1]
            units[-1] = (ps, e, sec, False, 0)
            continue
        units.append((s, e, tuple(h for _, h in stack), False, 0))
        open_article = is_article
    paragraphs = []
    for idx, (s, e, section, is_heading, level) in enumerate(units):
        ptext = text[s:e]
        sents = tuple(split_sentences(ptext, offset=s, doc_id=doc_id, para_idx=idx))
        paragraphs.append(Paragraph(doc_id, idx, ptext, s, e, section, is_heading, level, sents))
    return paragraphs


def iter_units(paragraphs, *, unit: str = "paragraph", include_headings: bool = False) -> Iterator[tuple[int, int, str, int, int]]:
    """(para_idx, sent_idx, text, start, end) for each unit of the requested kind.

    Args:
        paragraphs: Paragraph records of one document.
        unit: "sentence" or "paragraph".
        include_headings: yield heading lines too.
    """
    for p in paragraphs:
        if p.is_heading and not include_headings:
            continue
        if unit == "sentence":
            for s in p.sentences:
                yield p.para_idx, s.sent_idx, s.text, s.start, s.end
        else:
            yield p.para_idx, -1, p.text, p.start, p.end
