"""Actor networks and co-occurrence matrices (actor type × actor type, actor type × dimension).

Co-occurrence is counted per sentence: two types co-occur when both are mentioned in one
sentence; a type and a dimension co-occur when the sentence mentions the type and holds one
of the dimension's terms.

Example:
    >>> from pipeline import read_text
    >>> m = cooccurrence_matrices([read_text("政府统筹，企业与学校共建实训基地。")])
    >>> int(m["actor_actor"].loc["enterprise", "school"])
    1
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations


def cooccurrence_matrices(docs: Iterable, *, framework: str | None = None, engine: str = "rjieba") -> dict:
    """Corpus-level actor × actor and actor × dimension DataFrames (sentence window).

    Returns:
        {"actor_actor": DataFrame, "actor_dimension": DataFrame, "per_document": {doc_id: {...}}}
    """
    import pandas as pd

    from .codebook import load_framework
    from .extract import load_actor_matcher, load_term_matcher

    fw = load_framework(framework)
    types, dims = list(fw.actor_type_ids), list(fw.dimension_ids)
    actors, terms = load_actor_matcher(framework, engine), load_term_matcher(framework)
    total_aa = pd.DataFrame(0, index=types, columns=types)
    total_ad = pd.DataFrame(0, index=types, columns=dims)
    per_doc = {}
    for doc in docs:
        aa = pd.DataFrame(0, index=types, columns=types)
        ad = pd.DataFrame(0, index=types, columns=dims)
        for s in doc.sentences:
            found = sorted({m.type for m in actors.find(s.text)})
            dset = sorted({h.dimension for h in terms.find(s.text)})
            for t in found:
                aa.loc[t, t] += 1
                for d in dset:
                    ad.loc[t, d] += 1
            for a, b in combinations(found, 2):
                aa.loc[a, b] += 1
                aa.loc[b, a] += 1
        per_doc[doc.doc_id] = {"actor_actor": aa, "actor_dimension": ad}
        total_aa += aa
        total_ad += ad
    return {"actor_actor": total_aa, "actor_dimension": total_ad, "per_document": per_doc}


def cooccurrence_tables(actors, paragraphs, *, actor_types, dimensions) -> dict:
    """Actor type × actor type and dimension × actor type counts over paragraphs, from the
    ``actors`` and ``paragraphs`` tables of a run (pandas DataFrames).

    A paragraph counts once per pair of types it mentions, and once per (dimension it is coded
    with, type it mentions).
    """
    import pandas as pd

    types, dims = list(actor_types), list(dimensions)
    present = (pd.crosstab([actors.doc_id, actors.para_idx], actors.type).reindex(columns=types, fill_value=0).clip(upper=1)
               if len(actors) else pd.DataFrame(columns=types, dtype=int))
    aa = pd.DataFrame(present.T.values @ present.values, index=types, columns=types)
    labels = paragraphs.set_index(["doc_id", "para_idx"])[[f"label_{d}" for d in dims]]
    joined = present.join(labels, how="inner") if len(present) else pd.DataFrame(columns=types + list(labels.columns), dtype=int)
    da = pd.DataFrame(joined[[f"label_{d}" for d in dims]].T.values.astype(int) @ joined[types].values.astype(int), index=dims, columns=types)
    return {"actor_actor": aa, "dimension_actor": da}


def actor_network(doc_mentions: Iterable[tuple[str, list]], *, level: str = "type"):
    """A networkx graph of actors co-mentioned in a sentence.

    Args:
        doc_mentions: (doc_id, mentions) pairs, mentions carrying ``sent_idx``.
        level: "type" (nodes are actor types) or "name" (nodes are normalised names).
    """
    import networkx as nx

    g = nx.Graph()
    for _doc_id, mentions in doc_mentions:
        by_sentence: dict[int, set] = {}
        for m in mentions:
            node = m.type if level == "type" else f"{m.name or m.text}"
            if not g.has_node(node):
                g.add_node(node, type=m.type, count=0)
            g.nodes[node]["count"] += 1
            by_sentence.setdefault(m.sent_idx, set()).add(node)
        for nodes in by_sentence.values():
            for a, b in combinations(sorted(nodes), 2):
                w = g.edges[a, b]["weight"] + 1 if g.has_edge(a, b) else 1
                g.add_edge(a, b, weight=w)
    return g


def write_network(graph, path) -> None:
    """Write a graph as GraphML (.graphml) or GEXF (.gexf)."""
    import networkx as nx

    from .errors import ConfigError

    p = str(path)
    if p.endswith(".graphml"):
        nx.write_graphml(graph, p)
    elif p.endswith(".gexf"):
        nx.write_gexf(graph, p)
    else:
        raise ConfigError(f"{p}: network file must end in .graphml or .gexf")
