"""Ingest: files and folders → cleaned, structured :class:`~pipeline.types.Document` records.

Formats: .txt .md .html/.htm .docx .pdf, and record files .jsonl/.csv (one document per
record). Encodings: UTF-8 (± BOM), UTF-16, GB2312/GBK/GB18030, Big5, HTML ``<meta charset>``.
Traditional characters are converted to simplified for analysis; the original stays in
``Document.original_text``.

Example:
    >>> doc = read_text("关于推进市域产教联合体建设的通知\\n一、总体要求\\n坚持政府统筹。")
    >>> doc.title, [p.section for p in doc.paragraphs][-1]
    ('关于推进市域产教联合体建设的通知', ('一、总体要求',))
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from .clean import DOC_NUMBER, clean_lines, parse_date
from .errors import IngestError
from .split import ARTICLE, heading_level, split_paragraphs
from .types import Document, Failure

TEXT_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".text": "txt"}
HTML_FORMATS = {".html": "html", ".htm": "html", ".xhtml": "html"}
RECORD_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
SUPPORTED = {**TEXT_FORMATS, **HTML_FORMATS, **RECORD_FORMATS, ".docx": "docx", ".pdf": "pdf"}

# Limits that keep a hostile archive from being inflated into memory.
MAX_ZIP_MEMBER_BYTES = 64 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024
MAX_ZIP_RATIO = 200

_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全"
    "表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象"
    "员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据"
    "处府研教育企校這為個國們來時對說會發動過種麼經現實點從業開還後問與關個體條義當華區員農難將"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HTML_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
                  "big5-hkscs": "big5hkscs", "utf8": "utf-8", "unicode": "utf-16"}


def iter_paths(paths: Iterable[str | os.PathLike], *, recursive: bool = True) -> Iterator[Path]:
    """Files named by ``paths``; folders are walked (recursively), symlink loops are safe.

    Hidden files and folders (names starting with ".") inside folders are passed over. Missing
    paths are yielded as they are, so the reader reports them.
    """
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            yield p
            continue
        seen: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(p, followlinks=True):
            st = os.stat(root)
            if (st.st_dev, st.st_ino) in seen:
                dirs[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(root) / name


def detect_format(path: str | os.PathLike) -> str:
    """Format name of a file by its extension (txt md html docx pdf jsonl csv); raises if unknown."""
    ext = Path(path).suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(path, f"unsupported format {ext or '(no extension)'!r}; supported: {' '.join(sorted(SUPPORTED))}")
    return SUPPORTED[ext]


def _cjk_score(text: str) -> float:
    sample = text[:20000]
    cjk = _CJK.findall(sample)
    if not cjk:
        return 0.0
    return sum(1 for c in cjk if c in _COMMON) / len(cjk)


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decode bytes of Chinese text.

    Order: BOM; a declared charset (HTML meta); strict UTF-8; UTF-16 without BOM; GB18030 vs
    Big5 by how common the decoded characters are; charset-normalizer; finally UTF-8 with
    replacement characters and a warning.

    Returns:
        (text, encoding name, warnings)
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16", warnings
    if declared:
        codec = _CODEC_ALIASES.get(declared.lower(), declared.lower())
        try:
            return data.decode(codec), codec, warnings
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"declared charset {declared!r} does not decode the bytes; detected instead")
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    head = data[:4000]
    if len(head) >= 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > len(head) / 8:
            codec = "utf-16-le" if odd > even else "utf-16-be"
            return data.decode(codec, errors="replace"), codec, warnings
    candidates = []
    for codec in ("gb18030", "big5"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_cjk_score(text), codec, text))
    if candidates:
        score, codec, text = max(candidates)
        if score > 0.2:
            return text, codec, warnings
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _cjk_score(str(best)) > 0.2:
        return str(best), best.encoding, warnings
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    warnings.append(f"undecodable bytes: {bad} replaced (encoding not recognised, read as utf-8)")
    return text, "utf-8", warnings


def _looks_binary(data: bytes, text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    junk = sum(1 for c in sample if c == "\ufffd" or (ord(c) < 32 and c not in "\n\r\t\f"))
    return junk / len(sample) > 0.1


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, bool]:
    """Convert traditional characters to simplified when the text is traditional.

    Returns:
        (text for analysis, whether it was converted). The result has exactly the length of the
        input, so offsets stay valid in both; a phrase conversion that would change the length
        is applied character by character instead.
    """
    sample = text[:5000]
    conv = _opencc()
    converted_sample = conv.convert(sample)
    cjk = len(_CJK.findall(sample))
    changed = sum(1 for a, b in zip(sample, converted_sample) if a != b)
    if not cjk or changed / cjk < 0.03:
        return text, False
    out = []
    for line in text.split("\n"):
        c = conv.convert(line)
        if len(c) != len(line):
            c = "".join(ch2 if len(ch2 := conv.convert(ch)) == 1 else ch for ch in line)
        out.append(c)
    return "\n".join(out), True


def read(path: str | os.PathLike, **options) -> Document:
    """Read one document file (for record files, the first record; see :func:`read_file`).

    Example:
        >>> doc = read("corpus/sample/notice_gbk.txt")     # doctest: +SKIP
        >>> doc.encoding                                     # doctest: +SKIP
        'gb18030'
    """
    docs = read_file(path, **options)
    if not docs:
        raise IngestError(path, "no document in file")
    return docs[0]


def read_file(
    path: str | os.PathLike,
    *,
    text_field: str | None = None,
    id_field: str | None = None,
    records: slice | None = None,
) -> list[Document]:
    """Read one file into documents (one, or one per record for .jsonl/.csv).

    Args:
        path: the file.
        text_field: record field holding the text (default ``text``, else ``content``).
        id_field: record field holding the id (default ``id``; else a hash of the text).
        records: only these records of a record file (the others are parsed, not built).

    Raises:
        IngestError: missing, empty, unsupported, binary, corrupt or refused file; the message
            names the file and the reason.
    """
    p = Path(path)
    if not p.exists():
        raise IngestError(p, "no such file")
    if p.is_dir():
        raise IngestError(p, "is a folder (pass it to read_many)")
    fmt = detect_format(p)
    try:
        size = p.stat().st_size
        if size == 0:
            raise IngestError(p, "empty file (0 bytes)")
        if fmt in RECORD_FORMATS.values():
            return list(_read_records(p, fmt, text_field=text_field, id_field=id_field, records=records))
        if fmt == "docx":
            (lines, meta), enc, warns = _docx_lines(p), "", []
        elif fmt == "pdf":
            lines, enc, warns = _pdf_lines(p), "", []
            meta = {}
        else:
            lines, meta, enc, warns = _text_lines(p.read_bytes(), fmt, p)
    except IngestError:
        raise
    except OSError as exc:
        raise IngestError(p, f"cannot read: {exc.strerror or exc}") from None
    return [build_document(lines, path=str(p), fmt=fmt, encoding=enc, warnings=warns, meta=meta)]


def _text_lines(data: bytes, fmt: str, path) -> tuple[list[str], dict, str, list[str]]:
    """Lines, metadata, encoding and warnings of the bytes of a text or HTML document.

    Raises:
        IngestError: binary data (or an unknown encoding), naming ``path``.
    """
    declared = None
    if fmt == "html":
        m = _HTML_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii") if m else None
    text, enc, warns = decode_bytes(data, declared=declared)
    if _looks_binary(data, text):
        raise IngestError(path, "binary data, not text (or an unknown encoding)")
    if fmt == "html":
        return (*_html_lines(text), enc, warns)
    return text.splitlines(), {}, enc, warns


def read_many(
    paths: Iterable[str | os.PathLike],
    *,
    errors: str = "skip",
    failures: list[Failure] | None = None,
    **options,
) -> Iterator[Document]:
    """Documents from files and folders; a bad file never stops the batch.

    Args:
        paths: files and/or folders (walked recursively); ``-`` is standard input, read as one
            plain-text document in any encoding (``echo … | chanjiao classify -``).
        errors: "skip" (record the failure and go on) or "raise".
        failures: a list that receives a :class:`Failure` for each file that could not be read.
        **options: passed to :func:`read_file` (``text_field``, ``id_field``).

    Yields:
        Document records, in path order.
    """
    for p in iter_paths(paths):
        try:
            if str(p) == "-":
                yield read_stdin()
                continue
            yield from read_file(p, **options)
        except IngestError as exc:
            if errors == "raise":
                raise
            if failures is not None:
                failures.append(Failure(exc.path, exc.reason))


def read_stdin() -> Document:
    """Standard input as one plain-text document, its encoding detected as for files."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    lines, meta, encoding, warnings = _text_lines(data, "text", "<stdin>")
    return build_document(lines, path="<stdin>", fmt="text", encoding=encoding, warnings=warnings, meta=meta)


def read_text(text: str, *, doc_id: str | None = None, title: str = "", path: str = "<text>", **meta) -> Document:
    """A document from a string (notebooks, tests, the classify command).

    Example:
        >>> read_text("学校与企业共建实训基地。").paragraphs[0].text
        '学校与企业共建实训基地。'
    """
    return build_document(text.splitlines(), path=path, fmt="text", doc_id=doc_id, title=title, meta=meta)


def content_id(text: str) -> str:
    """Stable id of a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_LAW_META = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)\s*(.*?)(?:第[一二三四五六七八九十百]+次会议|会议)?\s*(通过|修订|修正|批准|公布)")
_FILENAME_DATE = re.compile(r"[（(](\d{4}-\d{2}-\d{2})[）)]")


def build_document(
    lines: list[str],
    *,
    path: str,
    fmt: str,
    encoding: str = "",
    warnings: Iterable[str] = (),
    meta: dict | None = None,
    doc_id: str | None = None,
    title: str = "",
    clean: bool = True,
) -> Document:
    """Clean lines, convert script, detect title/metadata and split into paragraphs."""
    meta = dict(meta or {})
    warnings = list(warnings)
    if clean:
        kept, found = clean_lines(lines)
        for k, v in found.items():
            meta.setdefault(k, v)
    else:
        kept = [x for x in lines]
    original = "\n".join(kept)
    text, converted = to_simplified(original)
    out_lines = text.split("\n")
    # Title: a markdown "# …" line, else the first short line that is not a heading or prose.
    # A one-line text is all body: it has no separate title line.
    if not title and not meta.get("title") and sum(1 for x in out_lines if x.strip()) > 1:
        for i, line in enumerate(out_lines[:8]):
            s = line.strip()
            if s.startswith("# "):
                title = s[2:].strip()
                out_lines[i] = ""
                break
            if s and len(s) <= 60 and not s.endswith(("。", "；", "，", "：")) and not heading_level(s) and not ARTICLE.match(s):
                title = s
                out_lines[i] = ""
                break
            if s:
                break
    title = title or meta.pop("title", "")
    meta.pop("title", None)
    # A title known from metadata (docx properties, HTML <h1>) is not a body paragraph too.
    for i, line in enumerate(out_lines[:3]):
        if title and line.strip() == title.strip():
            out_lines[i] = ""
            break
    # Law headers: "2017年4月20日 上海市第十四届人民代表大会常务委员会第三十七次会议通过".
    law_dates = []
    for i, line in enumerate(out_lines[:12]):
        m = _LAW_META.match(line.strip())
        if m:
            law_dates.append(parse_date(m.group(1)))
            meta.setdefault("issuer", m.group(2).strip())
            out_lines[i] = ""
    if law_dates and not meta.get("date"):
        meta["date"] = max(law_dates)
    if not meta.get("date"):
        m = _FILENAME_DATE.search(Path(path).name)
        if m:
            meta["date"] = m.group(1)
    if not meta.get("doc_number"):
        m = DOC_NUMBER.search("\n".join(out_lines[:15]))
        if m:
            meta["doc_number"] = re.sub(r"\s+", "", m.group())
    if not meta.get("date"):
        # The closing date line of an official document (落款).
        for line in reversed([x for x in out_lines if x.strip()][-3:]):
            if len(line.strip()) <= 16 and parse_date(line):
                meta["date"] = parse_date(line)
                break
    # Drop lines blanked above (title, law header) but keep offsets consistent with the text.
    keep_idx = [i for i, x in enumerate(out_lines) if x.strip()]
    text = "\n".join(out_lines[i] for i in keep_idx)
    orig_lines = original.split("\n")
    original_text = "\n".join(orig_lines[i] for i in keep_idx) if converted else ""
    did = doc_id or content_id(text)
    paragraphs = tuple(split_paragraphs(text, doc_id=did))
    std = {k: str(meta.pop(k, "") or "") for k in ("date", "source", "original_source", "issuer", "doc_number")}
    return Document(
        doc_id=did,
        path=path,
        text=text,
        title=title,
        format=fmt,
        encoding=encoding,
        script="traditional" if converted else "simplified",
        original_text=original_text,
        warnings=tuple(warnings),
        meta=meta,
        paragraphs=paragraphs,
        **std,
    )


# ---------------------------------------------------------------- formats


_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
               "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "header", "footer", "td", "title"}
_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button", "select"]
_BOILER_ATTR = re.compile(r"nav|menu|breadcrumb|crumb|footer|sidebar|share|copyright|toolbar|topbar|banner", re.I)


def _html_lines(html: str) -> tuple[list[str], dict]:
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(html, "lxml")
    meta: dict[str, str] = {}
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        meta["title"] = h1.get_text(" ", strip=True)
    elif soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(" ", strip=True)
    for m in soup.find_all("meta"):
        name = (m.get("name") or m.get("property") or "").lower()
        content = (m.get("content") or "").strip()
        if name in ("publishdate", "pubdate", "article:published_time", "date") and content:
            meta.setdefault("date", parse_date(content))
        elif name in ("contentsource", "source") and content:
            meta.setdefault("source", content)
    if soup.title:
        soup.title.decompose()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        attrs = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
        if attrs.strip() and _BOILER_ATTR.search(attrs) and tag.name not in ("body", "html"):
            tag.decompose()
            continue
    # Link-dense blocks are menus.
    for tag in soup.find_all(["ul", "ol", "div", "table"]):
        if tag.decomposed:
            continue
        text = tag.get_text("", strip=True)
        links = "".join(a.get_text("", strip=True) for a in tag.find_all("a"))
        if text and len(links) / len(text) > 0.6:
            tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_after(NavigableString("\n"))
        if tag.name == "br":
            tag.replace_with(NavigableString("\n"))
    body = soup.body or soup
    text = body.get_text("")
    if meta.get("title"):
        # The h1 becomes the title; drop its first occurrence from the body lines.
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.strip() == meta["title"]:
                lines[i] = ""
                break
        return lines, meta
    return text.splitlines(), meta


def _check_zip(p: Path) -> zipfile.ZipFile:
    if not zipfile.is_zipfile(p):
        raise IngestError(p, "not a zip archive (corrupt or mislabelled .docx)")
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(p, f"corrupt .docx archive ({exc})") from None
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_ZIP_MEMBER_BYTES or total > MAX_ZIP_TOTAL_BYTES or (info.file_size > 1_000_000 and ratio > MAX_ZIP_RATIO):
            zf.close()
            raise IngestError(p, f"refused: archive member {info.filename} expands to {info.file_size / 1e6:.0f} MB "
                                 f"(ratio {ratio:.0f}:1; zip bomb?)")
    if "word/document.xml" not in zf.namelist():
        zf.close()
        raise IngestError(p, "not a Word document (no word/document.xml)")
    return zf


def _docx_lines(p: Path) -> tuple[list[str], dict]:
    """Paragraph and table-row lines of a .docx, and its core properties (title, created, author)."""
    _check_zip(p).close()
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        d = docx.Document(str(p))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(p, f"corrupt .docx ({exc.__class__.__name__}: {exc})") from None
    except Exception as exc:  # lxml XMLSyntaxError and friends
        raise IngestError(p, f"corrupt .docx XML ({exc.__class__.__name__}: {exc})") from None
    lines = [para.text for para in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
            if cells:
                lines.append(" ".join(cells))
    meta = {}
    try:
        props = d.core_properties
        if props.title:
            meta["title"] = props.title
        if props.created:
            meta["date_created"] = props.created.date().isoformat()
        if props.author:
            meta["author"] = props.author
    except Exception:  # properties are a bonus; the text was already read
        pass
    return lines, meta


def _pdf_lines(p: Path) -> list[str]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(p), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise IngestError(p, f"truncated or corrupt PDF ({exc.__class__.__name__}: {exc})") from None
    text = "\n".join(pages)
    if not _CJK.search(text) and not text.strip():
        raise IngestError(p, "PDF has no text layer (scanned image?): run OCR first")
    return _unwrap_pdf_lines(text.splitlines())


def _unwrap_pdf_lines(lines: list[str]) -> list[str]:
    """Join the visual lines of a PDF back into paragraphs (Chinese has no spaces to lose).

    A visual line continues into the next one only when it is about as long as the page's full
    line width: a shorter line ends its paragraph (titles, headings, the last line of a paragraph).
    """
    visual = [x.strip() for x in lines]
    widths = sorted(len(x) for x in visual if x)
    if not widths:
        return []
    full = widths[int(len(widths) * 0.9)] if len(widths) > 3 else widths[-1]
    out: list[str] = []
    prev_len = 0
    for line in visual:
        if not line:
            prev_len = 0
            continue
        continues = (
            out
            and prev_len >= 0.85 * full
            and not heading_level(line)
            and not ARTICLE.match(line)
            and not out[-1].endswith(("。", "！", "？", "：", "”"))
        )
        if continues:
            out[-1] += line
        else:
            out.append(line)
        prev_len = len(line)
    return out


def record_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the non-blank lines of a JSON Lines text: one record each.

    Lines end at ``\n``, ``\r\n`` or ``\r`` only (JSON escapes them inside strings): a record's
    text may hold U+2028 or other characters that ``str.splitlines`` would break it at.
    """
    return [(n, line) for n, line in enumerate(_LINE_END.split(text), 1) if line.strip()]


_LINE_END = re.compile(r"\r\n|\r|\n")


@lru_cache(maxsize=1)
def _decoded_record_lines(path: str, stat_key: tuple) -> tuple[list[tuple[int, str]], str, list[str]]:
    # the slices of one big record file are read one after another: decode and split it once
    text, enc, warns = decode_bytes(Path(path).read_bytes())
    return record_lines(text), enc, warns


def _parse_record(p: Path, n: int, line: str) -> dict:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{p}:{n}", f"invalid JSON ({exc.msg})") from None
    if not isinstance(rec, dict):
        raise IngestError(f"{p}:{n}", "a JSON line must be an object")
    return rec


def _read_records(p: Path, fmt: str, *, text_field: str | None, id_field: str | None, records: slice | None = None) -> Iterator[Document]:
    if fmt == "jsonl":
        st = p.stat()
        # (inode and change time too: a same-size copy that keeps the mtime is another file)
        lines, enc, warns = _decoded_record_lines(str(p), (st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_size))
        # only the requested slice is parsed (and the first record, which names the fields)
        rows = [(n, _parse_record(p, n, line)) for n, line in (lines if records is None else lines[records])]
        if records is None or not records.start:
            first = rows[0][1] if rows else None
        else:
            first = _parse_record(p, *lines[0]) if lines else None
    else:
        text, enc, warns = decode_bytes(p.read_bytes())
        rows = list(enumerate(csv.DictReader(io.StringIO(text)), 2))
        first = rows[0][1] if rows else None
        rows = rows if records is None else rows[records]
    if first is None:
        raise IngestError(p, "no records")
    tf = text_field or next((k for k in ("text", "content", "body", "正文") if k in first), None)
    if tf is None or tf not in first:
        raise IngestError(p, f"no text field {text_field or 'text'!r} in records (fields: {', '.join(first)})")
    idf = id_field or ("id" if "id" in first else None)
    if id_field and id_field not in first:
        raise IngestError(p, f"no id field {id_field!r} in records (fields: {', '.join(first)})")
    for n, rec in rows:
        body = rec.get(tf)
        body = "" if body is None else str(body)
        meta = {k: v for k, v in rec.items() if k not in (tf, idf)}
        rid = str(rec[idf]) if idf and rec.get(idf) not in (None, "") else None
        title = str(meta.pop("title", "") or "")
        # Record text is kept as given (no cleaning), so offsets point into the record's own text.
        yield _record_document(body, p, n, fmt, enc, warns, meta, rid, title)


def _record_document(body, p, n, fmt, enc, warns, meta, rid, title) -> Document:
    text, converted = to_simplified(body)
    meta = dict(meta)
    date = parse_date(str(meta.pop("date", "") or "")) or ""
    std = {k: str(meta.pop(k, "") or "") for k in ("source", "original_source", "issuer", "doc_number")}
    did = rid or content_id(text)
    return Document(
        doc_id=did, path=f"{p}#{n}", text=text, title=title, date=date, format=fmt, encoding=enc,
        script="traditional" if converted else "simplified", original_text=body if converted else "",
        warnings=tuple(warns), meta=meta, paragraphs=tuple(split_paragraphs(text, doc_id=did, articles=False)), **std,
    )
