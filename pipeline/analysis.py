"""Notebook API: a run's tables as pandas DataFrames, drill-down to evidence, group comparison.

Example:
    >>> a = analyze(["corpus/sample"])                                  # doctest: +SKIP
    >>> a.profile()                                                      # doctest: +SKIP
    >>> a.segments(dimension="resources", actor="enterprise").head()     # doctest: +SKIP
    >>> a.compare(by="issuer", groups=("江川市教育局", "临海市人力资源和社会保障局"))  # doctest: +SKIP
"""
from __future__ import annotations

import html
import json
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import Framework, load_framework
from .errors import ChanjiaoError

_COLUMNS = {
    "actors": ["doc_id", "text", "type", "start", "end", "name", "role", "sent_idx", "para_idx"],
    "keywords": ["doc_id", "kind", "dimension", "category", "term", "weight", "para_idx", "start", "end"],
}


def coupling_coordination(u1: float, u2: float, *, alpha: float = 0.5, beta: float = 0.5) -> dict:
    """Coupling-coordination degree of two subsystems (common in Chinese policy research).

    C = 2·√(U₁U₂) / (U₁ + U₂) (coupling), T = αU₁ + βU₂ (comprehensive development),
    D = √(C·T) (coordination). U₁, U₂ ∈ [0, 1]; C = 0 when both are 0.

    Example:
        >>> r = coupling_coordination(0.64, 0.36)
        >>> round(r["C"], 4), round(r["T"], 4), round(r["D"], 4)
        (0.96, 0.5, 0.6928)
    """
    if not (0 <= u1 <= 1 and 0 <= u2 <= 1):
        raise ChanjiaoError(f"U1 and U2 must be in [0, 1], got {u1}, {u2}")
    c = 2 * math.sqrt(u1 * u2) / (u1 + u2) if u1 + u2 else 0.0
    t = alpha * u1 + beta * u2
    return {"U1": u1, "U2": u2, "C": c, "T": t, "D": math.sqrt(c * t), "alpha": alpha, "beta": beta}


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G² keyness of a term seen ``a`` times in a corpus of ``c`` tokens against ``b`` in
    ``d`` (signed: negative when the term is relatively rarer in the first corpus)."""
    e1 = c * (a + b) / (c + d) if c + d else 0.0
    e2 = d * (a + b) / (c + d) if c + d else 0.0
    g2 = 2 * sum(o * math.log(o / e) for o, e in ((a, e1), (b, e2)) if o > 0 and e > 0)
    return g2 if a / max(c, 1) >= b / max(d, 1) else -g2


@dataclass
class Analysis:
    """A corpus analysed by chanjiao, as DataFrames.

    Attributes:
        documents: one row per document (metadata, profile columns share_<dim>, intensity_<dim>).
        paragraphs: one row per paragraph (text, score_<dim>, label_<dim>, evidence JSON).
        actors: one row per actor mention (type, name, role, offsets into the document text).
        keywords: framework term hits (kind "term") and TF-IDF keywords (kind "tfidf").
        framework: the framework the run used.
        run_dir: where the tables live.
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    actors: pd.DataFrame
    keywords: pd.DataFrame
    framework: Framework
    run_dir: Path | None = None
    info: dict = field(default_factory=dict)

    @classmethod
    def load(cls, run_dir: str | os.PathLike, *, framework: str | None = None) -> Analysis:
        """Reopen the output folder of ``chanjiao run``.

        Example:
            >>> a = Analysis.load("out/sample")          # doctest: +SKIP
        """
        run_dir = Path(run_dir)
        if not (run_dir / "paragraphs.parquet").exists():
            raise ChanjiaoError(f"{run_dir}: not a chanjiao run folder (no paragraphs.parquet)")
        info = json.loads((run_dir / "run.json").read_text(encoding="utf-8")) if (run_dir / "run.json").exists() else {}
        fw_path = framework or info.get("framework", {}).get("path")
        fw = load_framework(fw_path if fw_path and Path(fw_path).exists() else framework)

        def table(name: str) -> pd.DataFrame:
            # A run with no actor mention (or no term) writes no such table: give it its columns.
            p = run_dir / f"{name}.parquet"
            return pd.read_parquet(p) if p.exists() else pd.DataFrame(columns=_COLUMNS.get(name, []))

        return cls(table("documents"), table("paragraphs"), table("actors"), table("keywords"), fw, run_dir, info)

    # ------------------------------------------------------------ views

    @property
    def dimensions(self) -> list[str]:
        return list(self.framework.dimension_ids)

    def label(self, some_id: str) -> str:
        """"场域 field": the Chinese name with the id."""
        return f"{self.framework.label(some_id)} {some_id}"

    def profile(self, by: str = "doc_id") -> pd.DataFrame:
        """Share of paragraphs coded with each dimension, per document (or per ``by`` column of
        the documents table, e.g. "issuer" or "year")."""
        labels = self.paragraphs[["doc_id"] + [f"label_{d}" for d in self.dimensions]]
        if by == "doc_id":
            out = labels.groupby("doc_id").mean()
        else:
            keys = self._doc_column(by)
            out = labels.merge(keys, on="doc_id").drop(columns="doc_id").groupby(by).mean()
        out.columns = self.dimensions
        return out

    def _doc_column(self, by: str) -> pd.DataFrame:
        docs = self.documents.copy()
        if by == "year":
            docs["year"] = docs["date"].astype(str).str[:4].replace("", pd.NA)
        if by not in docs.columns:
            raise ChanjiaoError(f"no column {by!r} in the documents table (have: {', '.join(docs.columns)})")
        return docs[["doc_id", by]]

    def cooccurrence(self) -> dict[str, pd.DataFrame]:
        """Actor type × actor type and dimension × actor type counts (paragraph window)."""
        from .network import cooccurrence_tables

        return cooccurrence_tables(self.actors, self.paragraphs, actor_types=self.framework.actor_type_ids, dimensions=self.dimensions)

    def segments(self, dimension: str | None = None, actor: str | None = None, document: str | None = None) -> pd.DataFrame:
        """The paragraphs behind a cell of the dimension × actor (or dimension × document) matrix,
        with the evidence terms and actor mentions highlighted (HTML, escaped) — NVivo's matrix
        coding query.

        Args:
            dimension: keep paragraphs coded with this dimension id.
            actor: keep paragraphs that mention this actor type id.
            document: keep this doc_id.

        Returns:
            columns doc_id, title, para_idx, section, text, labels, actors, evidence_terms,
            sentences (the sentences that carry the dimension), highlighted (HTML).
        """
        if dimension is not None and dimension not in self.dimensions:
            raise ChanjiaoError(f"unknown dimension {dimension!r}; framework has {self.dimensions}")
        p = self.paragraphs
        if dimension:
            p = p[p[f"label_{dimension}"] == 1]
        if document:
            p = p[p.doc_id == document]
        acts = self.actors
        rows = []
        titles = dict(zip(self.documents.doc_id, self.documents.title))
        for r in p.itertuples(index=False):
            mine = acts[(acts.doc_id == r.doc_id) & (acts.para_idx == r.para_idx)]
            if actor and actor not in set(mine.type):
                continue
            evidence = json.loads(r.evidence) if isinstance(r.evidence, str) and r.evidence else {}
            dims = [dimension] if dimension else [d for d in self.dimensions if getattr(r, f"label_{d}")]
            terms = sorted({t["term"] for d in dims for t in evidence.get(d, {}).get("terms", [])})
            sentences = [s for d in dims for s in evidence.get(d, {}).get("sentences", [])]
            spans = [(m.start - r.start, m.end - r.start, f"actor {m.type}") for m in mine.itertuples() if (not actor or m.type == actor)]
            rows.append({
                "doc_id": r.doc_id, "title": titles.get(r.doc_id, ""), "para_idx": r.para_idx, "section": r.section,
                "text": r.text, "labels": [d for d in self.dimensions if getattr(r, f"label_{d}")],
                "actors": sorted(set(mine.type)), "evidence_terms": terms, "sentences": sentences,
                "highlighted": highlight(r.text, terms, spans),
            })
        return pd.DataFrame(rows, columns=["doc_id", "title", "para_idx", "section", "text", "labels", "actors",
                                           "evidence_terms", "sentences", "highlighted"])

    def compare(self, *, by: str, groups: tuple[str, str] | None = None, alpha: float = 0.5, beta: float = 0.5) -> dict:
        """Compare two groups of documents split by a documents column (e.g. "issuer", "year").

        See :func:`compare_analyses`.
        """
        keys = self._doc_column(by)
        values = [v for v in keys[by].dropna().unique()]
        if groups is None:
            if len(values) != 2:
                raise ChanjiaoError(f"column {by!r} has {len(values)} values; name the two groups to compare")
            groups = (values[0], values[1])
        parts = []
        for g in groups:
            ids = set(keys.loc[keys[by] == g, "doc_id"])
            if not ids:
                raise ChanjiaoError(f"no document with {by} = {g!r}")
            parts.append(self.subset(ids))
        return compare_analyses(parts[0], parts[1], names=(str(groups[0]), str(groups[1])), alpha=alpha, beta=beta)

    def subset(self, doc_ids: Iterable[str]) -> Analysis:
        """The same analysis restricted to some documents."""
        ids = set(doc_ids)
        f = lambda df: df[df.doc_id.isin(ids)] if "doc_id" in df.columns else df  # noqa: E731
        return Analysis(f(self.documents), f(self.paragraphs), f(self.actors), f(self.keywords), self.framework, self.run_dir, self.info)


def compare_analyses(a: Analysis, b: Analysis, *, names: tuple[str, str] = ("A", "B"), alpha: float = 0.5, beta: float = 0.5,
                     top: int = 10) -> dict:
    """Two groups side by side: dimension profiles, distinctive terms per dimension (keyness, G²),
    actor types and roles, and a coupling-coordination figure per dimension.

    U₁, U₂ for a dimension are the shares of each group's paragraphs coded with it; C, T, D follow
    :func:`coupling_coordination`.

    Returns:
        {"profiles": DataFrame (dimension × group), "coupling": DataFrame (dimension × U1 U2 C T D),
         "keyness": DataFrame (dimension, term, group, count_a, count_b, g2),
         "actors": DataFrame (type × group counts), "roles": DataFrame (type, role, group, count)}
    """
    dims = list(a.framework.dimension_ids)
    pa, pb = (x.paragraphs[[f"label_{d}" for d in dims]].mean() if len(x.paragraphs) else pd.Series(0.0, index=[f"label_{d}" for d in dims]) for x in (a, b))
    profiles = pd.DataFrame({names[0]: pa.values, names[1]: pb.values}, index=dims)
    coupling = pd.DataFrame([{**coupling_coordination(float(profiles.loc[d, names[0]]), float(profiles.loc[d, names[1]]), alpha=alpha, beta=beta), "dimension": d}
                             for d in dims]).set_index("dimension")[["U1", "U2", "C", "T", "D"]]
    ka = a.keywords[a.keywords.kind == "term"].groupby(["dimension", "term"]).size()
    kb = b.keywords[b.keywords.kind == "term"].groupby(["dimension", "term"]).size()
    na, nb = max(int(ka.sum()), 1), max(int(kb.sum()), 1)
    rows = []
    for key in sorted(set(ka.index) | set(kb.index)):
        ca, cb = int(ka.get(key, 0)), int(kb.get(key, 0))
        g2 = log_likelihood(ca, cb, na, nb)
        rows.append({"dimension": key[0], "term": key[1], "group": names[0] if g2 >= 0 else names[1], "count_a": ca, "count_b": cb, "g2": round(g2, 3)})
    keyness = pd.DataFrame(rows, columns=["dimension", "term", "group", "count_a", "count_b", "g2"])
    if len(keyness):
        keyness = (keyness.assign(abs_g2=keyness.g2.abs()).sort_values(["dimension", "group", "abs_g2"], ascending=[True, True, False])
                   .groupby(["dimension", "group"]).head(top).drop(columns="abs_g2").reset_index(drop=True))
    types = list(a.framework.actor_type_ids)
    actors = pd.DataFrame({names[0]: a.actors.type.value_counts().reindex(types, fill_value=0),
                           names[1]: b.actors.type.value_counts().reindex(types, fill_value=0)})
    roles = pd.concat([x.actors[x.actors.role.fillna("") != ""].groupby(["type", "role"]).size().rename("count").reset_index().assign(group=n)
                       for x, n in ((a, names[0]), (b, names[1]))], ignore_index=True)
    return {"profiles": profiles, "coupling": coupling, "keyness": keyness, "actors": actors, "roles": roles}


def highlight(text: str, terms: Iterable[str], spans: Iterable[tuple[int, int, str]] = ()) -> str:
    """HTML of ``text`` (escaped) with every occurrence of the evidence terms in <mark> and spans in <span class=…>."""
    marks: list[tuple[int, int, str]] = list(spans)
    for term in set(terms):
        if term:
            start = text.find(term)
            while start >= 0:
                marks.append((start, start + len(term), "term"))
                start = text.find(term, start + len(term))
    return mark_up(text, marks)


def mark_up(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Escaped HTML of ``text`` where each character carries the classes of the spans over it
    (overlapping term and actor spans both show); a stretch with the class ``term`` is a <mark>."""
    if not text:
        return ""
    classes: list[set[str]] = [set() for _ in text]
    for s, e, cls in spans:
        for i in range(max(0, s), min(len(text), e)):
            classes[i].add(cls)
    out, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or classes[i] != classes[start]:
            chunk = html.escape(text[start:i])
            if classes[start]:
                tag = "mark" if "term" in classes[start] else "span"
                out.append(f'<{tag} class="{" ".join(sorted(classes[start]))}">{chunk}</{tag}>')
            else:
                out.append(chunk)
            start = i
    return "".join(out)


def analyze(paths_or_texts: Iterable[str] | str, *, framework: str | None = None, model: str | None = None,
            out_dir: str | os.PathLike | None = None, workers: int = 1, **options) -> Analysis:
    """Run the pipeline over files/folders or raw texts and return an :class:`Analysis`.

    Args:
        paths_or_texts: paths of files or folders, or texts (anything that is not an existing path
            is taken as the text of a document).
        framework, model: as for ``chanjiao run``.
        out_dir: keep the run folder there (default: a temporary folder, removed afterwards).
        workers: worker processes.

    Example:
        >>> a = analyze(["学校与企业共建实训基地。", "市财政安排专项资金。"])   # doctest: +SKIP
        >>> a.paragraphs[["text", "label_resources"]]                              # doctest: +SKIP
    """
    from .run import run_pipeline

    items = [paths_or_texts] if isinstance(paths_or_texts, (str, os.PathLike)) else list(paths_or_texts)
    with tempfile.TemporaryDirectory() as tmp:
        inputs, texts = [], []
        for x in items:
            (inputs if isinstance(x, os.PathLike) or (isinstance(x, str) and len(x) < 4096 and Path(x).exists()) else texts).append(x)
        if texts:
            rec = Path(tmp) / "texts.jsonl"
            rec.write_text("".join(json.dumps({"id": f"text{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
            inputs.append(rec)
        run_dir = Path(out_dir) if out_dir else Path(tmp) / "run"
        run_pipeline(inputs, run_dir, framework=framework, model=model, workers=workers, **options)
        analysis = Analysis.load(run_dir, framework=framework)
        if out_dir is None:
            analysis.run_dir = None
        return analysis
