"""Cleaning: web boilerplate, metadata lines, width and whitespace normalisation, repeated blocks.

Works on lines of decoded text and returns the kept lines plus the metadata found in the lines it
dropped. Pure functions, no I/O.

Example:
    >>> lines, meta = clean_lines(["当前位置:主页 > 新闻 >", "标题", "来源:教育局 日期:2024-11-08 点击:"])
    >>> lines, meta["date"], meta["source"]
    (['标题'], '2024-11-08', '教育局')
"""
from __future__ import annotations

import re

# Full-width letters and digits → ASCII; Chinese punctuation (，。：（）) is left alone on purpose.
_WIDTH = {c: c - 0xFEE0 for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x200B: None, 0xFEFF: None, 0x2002: 0x20, 0x2003: 0x20})

_BREADCRUMB = re.compile(r"(当前位置|您的位置|所在位置|现在位置)\s*[:：]|^\s*(首页|主页|网站首页)\s*[>›»/]")
_COUNTER = re.compile(r"(点击|浏览|阅读|访问)(次数|量|数)?\s*[:：]\s*\d*\s*(次)?")
_JUNK = re.compile(
    r"^(打印本页|关闭窗口|打印|关闭|收藏|分享到.*|【?字[体号]\s*[:：]?\s*[大中小\s]+】?|上一篇.*|下一篇.*|返回顶部|"
    r"网站地图|联系我们|版权所有.*|Copyright.*|.*ICP备.*|扫一扫.*|相关链接.*|责任编辑\s*[:：].*|[-—–\s]*第?\d{1,4}页?[-—–\s]*)$",
    re.I,
)
_LATIN_LINE = re.compile(r"^[A-Za-z][A-Za-z .&'-]{0,30}$")
_COMMENT = re.compile(r"^<!--.*-->$")
_META_KEYS = {
    "文章来源": "original_source",
    "原文来源": "original_source",
    "信息来源": "source",
    "来源": "source",
    "发布日期": "date",
    "发布时间": "date",
    "成文日期": "date",
    "日期": "date",
    "时间": "date",
    "作者": "author",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "索引号": "index_number",
}
_META_KEY = re.compile("(" + "|".join(sorted(_META_KEYS, key=len, reverse=True)) + r")\s*[:：]\s*")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号")


def normalize_width(text: str) -> str:
    """Full-width letters/digits and odd spaces to ASCII; zero-width characters removed."""
    return text.translate(_WIDTH)


def parse_date(text: str) -> str:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or "".

    Example:
        >>> parse_date("2024年3月5日印发")
        '2024-03-05'
    """
    m = _DATE.search(text)
    if not m:
        return ""
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_meta_line(line: str) -> dict[str, str]:
    """Key/value pairs of a line such as ``来源:高新院 日期:2024-11-08 点击:`` ({} if none)."""
    found: dict[str, str] = {}
    parts = list(_META_KEY.finditer(line))
    for i, m in enumerate(parts):
        end = parts[i + 1].start() if i + 1 < len(parts) else len(line)
        value = _COUNTER.sub("", line[m.end():end]).strip(" \t()（）【】[]|")
        key = _META_KEYS[m.group(1)]
        if key == "date":
            value = parse_date(value)
        elif key == "original_source":
            value = value.strip("《》")
        if value and key not in found:
            found[key] = value
    # "2024-11-08 来源:…" carries a date before the first key.
    if parts and "date" not in found:
        d = parse_date(line[: parts[0].start()])
        if d:
            found["date"] = d
    return found


def _is_meta_line(line: str) -> bool:
    if len(line) > 120 or not _META_KEY.search(line):
        return False
    # A body sentence that merely contains 来源: is long and ends like prose.
    return not line.rstrip().endswith(("。", "；")) or line.lstrip("(（").startswith(("文章来源", "来源"))


def _is_breadcrumb_trail(line: str) -> bool:
    """新闻中心 > 产业规划 > 正文: three or more short parts joined by > and no sentence punctuation."""
    parts = [p.strip() for p in re.split(r"[>›»]", line)]
    return len(parts) >= 3 and all(len(p) <= 12 for p in parts) and not re.search(r"[。，；！？<]", line)


def _is_boilerplate(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _COMMENT.match(s) or _JUNK.match(s):
        return True
    if len(s) <= 80 and (_BREADCRUMB.search(s) or _is_breadcrumb_trail(s)):
        return True
    if len(s) <= 30 and _COUNTER.fullmatch(s):
        return True
    return bool(_LATIN_LINE.match(s)) and len(s) <= 20 and " " not in s.strip()


def clean_lines(lines: list[str], *, dedupe_min_lines: int = 2, dedupe_min_chars: int = 100) -> tuple[list[str], dict]:
    """Drop boilerplate, lift metadata lines into a dict, normalise, remove repeated blocks.

    Args:
        lines: the decoded text split into lines.
        dedupe_min_lines: a run of this many consecutive lines that repeats an earlier run is
            dropped (a scraped page that carries its article twice).
        dedupe_min_chars: a shorter run is dropped too when it has at least this many characters.

    Returns:
        (kept lines without empty ones, metadata dict with keys among source, original_source,
        date, author, issuer, doc_number).
    """
    meta: dict[str, str] = {}
    kept: list[str] = []
    for raw in lines:
        line = re.sub(r"[ \t\r\f\v]+", " ", normalize_width(raw)).strip()
        if not line:
            continue
        if _is_meta_line(line):
            for k, v in parse_meta_line(line).items():
                meta.setdefault(k, v)
            continue
        if _is_boilerplate(line):
            continue
        kept.append(line)
    return remove_repeated_blocks(kept, min_lines=dedupe_min_lines, min_chars=dedupe_min_chars), meta


def remove_repeated_blocks(lines: list[str], *, min_lines: int = 2, min_chars: int = 100) -> list[str]:
    """Drop every run of consecutive lines that repeats an earlier run.

    A run counts when it has ``min_lines`` lines or ``min_chars`` characters, so a single short
    sentence that a law repeats in two articles (法律另有规定的，从其规定。) is kept.
    """
    first_at: dict[str, list[int]] = {}
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        best = 0
        for j in first_at.get(lines[i], ()):
            k = 0
            while i + k < len(lines) and j + k < i and lines[j + k] == lines[i + k]:
                k += 1
            best = max(best, k)
        chars = sum(len(x) for x in lines[i:i + best])
        if best and (best >= min_lines or chars >= min_chars):
            for k in range(best):
                keep[i + k] = False
            i += best
            continue
        first_at.setdefault(lines[i], []).append(i)
        i += 1
    return [x for x, k in zip(lines, keep) if k]
