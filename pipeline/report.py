"""A self-contained HTML report of a run: overview, per-document metadata and profile chart, and
every paragraph with its evidence terms highlighted by dimension and actor mentions marked by type.

Inline CSS and inline SVG charts: no scripts, no remote links; all document text is escaped.

Example:
    >>> write_report("out/sample", "report.html")          # doctest: +SKIP
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from .analysis import Analysis, mark_up

PALETTE = ["#e4572e", "#17bebb", "#ffc914", "#76b041", "#2e86ab", "#a23b72", "#f18f01", "#6a4c93"]
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;color:#222;line-height:1.7}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left;font-size:.9em}
.legend span{display:inline-block;margin:0 .8em .3em 0;padding:0 .3em}
p.para{margin:.4em 0;padding:.3em .5em;border-left:4px solid #eee}
p.para .labels{font-size:.75em;color:#666;margin-left:.5em}
.meta{color:#555;font-size:.9em}
"""


def _classes_css(dims: list[str], types: list[str]) -> str:
    css = []
    for i, d in enumerate(dims):
        css.append(f".t-{d}{{background:{PALETTE[i % len(PALETTE)]}40}}")
        css.append(f".key-t-{d}{{background:{PALETTE[i % len(PALETTE)]}40}}")
    for i, t in enumerate(types):
        color = PALETTE[(i + len(dims)) % len(PALETTE)]
        css.append(f".a-{t}{{border-bottom:2px solid {color}}}")
        css.append(f".key-a-{t}{{border-bottom:2px solid {color}}}")
    return "\n".join(css)


def svg_bars(values: dict[str, float], labels: dict[str, str], *, width: int = 360) -> str:
    """A small horizontal bar chart (shares in [0, 1]) as inline SVG."""
    row = 22
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(values) + 6}" role="img">']
    for i, (k, v) in enumerate(values.items()):
        y = i * row + 3
        w = max(0.0, min(1.0, float(v))) * (width - 150)
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(labels.get(k, k))}</text>')
        parts.append(f'<rect x="110" y="{y + 3}" width="{w:.1f}" height="14" fill="{color}"/>')
        parts.append(f'<text x="{115 + w:.1f}" y="{y + 14}" font-size="11">{float(v):.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_report(analysis: Analysis, *, title: str = "chanjiao 报告 report") -> str:
    """The report as one HTML string."""
    fw = analysis.framework
    dims, types = list(fw.dimension_ids), list(fw.actor_type_ids)
    names = {d: f"{fw.label(d)} {d}" for d in dims} | {t: f"{fw.label(t)} {t}" for t in types}
    out = ["<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">",
           f"<title>{html.escape(title)}</title><style>{_CSS}{_classes_css(dims, types)}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>",
           f"<p class=\"meta\">框架 framework: {html.escape(fw.name)} ({html.escape(fw.id)}, sha256 {html.escape(fw.sha256[:12])}) · "
           f"{len(analysis.documents)} 篇文件 documents · {len(analysis.paragraphs)} 段 paragraphs · {len(analysis.actors)} 主体提及 actor mentions</p>"]
    legend = ['<div class="legend"><b>图例 legend:</b> ']
    legend += [f'<span class="key-t-{d}">{html.escape(names[d])}</span>' for d in dims]
    legend += [f'<span class="key-a-{t}">{html.escape(names[t])}</span>' for t in types]
    out.append("".join(legend) + "</div>")
    if len(analysis.paragraphs):
        overall = {d: float(analysis.paragraphs[f"label_{d}"].mean()) for d in dims}
        out.append("<h2>总览 Overview</h2>" + svg_bars(overall, names))
        prof = analysis.profile()
        rows = ["<table><tr><th>文件 document</th>" + "".join(f"<th>{html.escape(names[d])}</th>" for d in dims) + "</tr>"]
        titles = dict(zip(analysis.documents.doc_id, analysis.documents.title))
        for doc_id, r in prof.iterrows():
            rows.append(f"<tr><td>{html.escape(str(titles.get(doc_id, doc_id)) or doc_id)}</td>" + "".join(f"<td>{r[d]:.2f}</td>" for d in dims) + "</tr>")
        out.append("".join(rows) + "</table>")
    terms = analysis.keywords[analysis.keywords.kind == "term"] if len(analysis.keywords) else analysis.keywords
    for doc in analysis.documents.itertuples(index=False):
        out.append(f"<h2>{html.escape(doc.title or doc.doc_id)}</h2>")
        meta = [("路径 path", doc.path), ("日期 date", doc.date), ("来源 source", doc.source), ("发文机关 issuer", doc.issuer),
                ("文号 number", doc.doc_number), ("格式 format", f"{doc.format} {doc.encoding}".strip())]
        out.append("<table>" + "".join(f"<tr><th>{k}</th><td>{html.escape(str(v or ''))}</td></tr>" for k, v in meta if v) + "</table>")
        out.append(svg_bars({d: getattr(doc, f"share_{d}", 0.0) for d in dims}, names))
        paras = analysis.paragraphs[analysis.paragraphs.doc_id == doc.doc_id]
        dterms = terms[terms.doc_id == doc.doc_id] if len(terms) else terms
        dacts = analysis.actors[analysis.actors.doc_id == doc.doc_id] if len(analysis.actors) else analysis.actors
        for p in paras.itertuples(index=False):
            spans = [(int(h.start) - p.start, int(h.end) - p.start, f"t-{h.dimension}") for h in dterms.itertuples()
                     if p.start <= h.start < p.end and getattr(p, f"label_{h.dimension}", 0)]
            spans += [(int(m.start) - p.start, int(m.end) - p.start, f"a-{m.type}") for m in dacts.itertuples() if p.start <= m.start < p.end]
            labels = " ".join(names[d] for d in dims if getattr(p, f"label_{d}"))
            out.append(f'<p class="para">{mark_up(p.text, spans)}<span class="labels">{html.escape(labels)}</span></p>')
    out.append("</body></html>")
    return "\n".join(out)


def write_report(source: str | os.PathLike, out_path: str | os.PathLike, *, framework: str | None = None, title: str | None = None) -> Path:
    """Write the HTML report of a run folder, or of files/folders (run first).

    Args:
        source: a ``chanjiao run`` output folder, or input files/folders.
        out_path: the .html file.
    """
    from .analysis import analyze
    from .io import atomic_path

    src = Path(source)
    if (src / "paragraphs.parquet").exists():
        analysis = Analysis.load(src, framework=framework)
    else:
        analysis = analyze([src], framework=framework)
    text = render_report(analysis, title=title or f"chanjiao 报告 · {src.name}")
    with atomic_path(out_path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(out_path)
