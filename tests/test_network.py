import networkx as nx

from pipeline.extract import extract_mentions
from pipeline.network import actor_network, cooccurrence_matrices, write_network


def test_network_matrices(document_zh):
    m = cooccurrence_matrices([document_zh])
    aa, ad = m["actor_actor"], m["actor_dimension"]
    assert (aa.values == aa.values.T).all()
    assert aa.loc["government", "enterprise"] >= 1
    assert ad.loc["government", "actors"] >= 1
    assert list(ad.columns) == ["field", "actors", "resources", "value"]


def test_network_graph_and_export(tmp_path, document_zh):
    g = actor_network(list(extract_mentions([document_zh])))
    assert g.has_edge("government", "enterprise")
    for ext in ("graphml", "gexf"):
        path = tmp_path / f"n.{ext}"
        write_network(g, path)
        back = nx.read_graphml(path) if ext == "graphml" else nx.read_gexf(path)
        assert set(back.nodes) == set(g.nodes)
