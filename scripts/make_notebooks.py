"""Write the notebooks in notebooks/ (outputs stripped). Usage: python scripts/make_notebooks.py"""
from __future__ import annotations

from pathlib import Path

import nbformat as nbf

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """from pathlib import Path
import tempfile
ROOT = Path.cwd() if (Path.cwd() / "corpus").exists() else Path.cwd().parent
SAMPLE = ROOT / "corpus" / "sample"
WORK = Path(tempfile.mkdtemp(prefix="chanjiao-nb-"))"""

NOTEBOOKS = {
    "01_quick_start.ipynb": [
        ("md", "# 01 快速开始 Quick start\n\n给一份政策文件编码，阅读证据。Classify one policy document and read its evidence."),
        ("code", SETUP),
        ("code", "import pipeline\nfrom pipeline.classify import classify_documents\n\ndoc = pipeline.read(SAMPLE / \"opinion_意见_深化产教融合_utf8-bom.txt\")\ndoc.title, doc.date, doc.doc_number, doc.source"),
        ("code", "import pandas as pd\nrows = list(classify_documents([doc]))\ntable = pd.DataFrame([{\"section\": \" > \".join(r[\"section\"]), \"text\": r[\"text\"][:40], **r[\"scores\"], \"labels\": r[\"labels\"]} for r in rows])\ntable.head(10)"),
        ("md", "每个标签都有证据：命中的词条和承载该维度的句子。Every label comes with its evidence: the matched terms and the sentences."),
        ("code", "r = next(r for r in rows if \"value\" in r[\"labels\"])\nr[\"text\"], r[\"evidence\"][\"value\"], [(a[\"text\"], a[\"type\"], a[\"role\"]) for a in r[\"actors\"]]"),
        ("code", "from pipeline.extract import find_mentions\n[(m.text, m.type, m.role) for m in find_mentions(\"政府统筹、企业牵引、学校主体，推进官产学研服协同\")]"),
    ],
    "02_corpus_analysis.ipynb": [
        ("md", "# 02 语料分析 Corpus analysis\n\n维度画像、趋势、关键词表、词表扩展建议。Profiles, trends, keyword tables, lexicon expansion suggestions."),
        ("code", SETUP),
        ("code", "from pipeline.analysis import analyze\na = analyze([SAMPLE], out_dir=WORK / \"run\")\na.profile().round(2)"),
        ("code", "from pipeline.plots import plot_dimension_bars, plot_profile_radar, plot_trends\nfig = plot_dimension_bars(a.documents)\nfig"),
        ("code", "doc_id = a.documents.doc_id.iloc[0]\nplot_profile_radar({a.documents.title.iloc[0][:12]: a.profile().loc[doc_id].to_dict()})"),
        ("code", "plot_trends(a.documents, by=\"date\")"),
        ("code", "terms = a.keywords[a.keywords.kind == \"term\"]\nterms.groupby([\"dimension\", \"term\"]).size().rename(\"count\").reset_index().sort_values(\"count\", ascending=False).groupby(\"dimension\").head(5)"),
        ("code", "a.keywords[a.keywords.kind == \"tfidf\"].groupby(\"doc_id\").head(3).merge(a.documents[[\"doc_id\", \"title\"]]).head(12)"),
        ("md", "词表扩展：与各维度种子词同句共现的候选词（G²、PMI），供研究者审阅。Lexicon expansion suggestions to review."),
        ("code", "from pipeline.keywords import suggest_terms\nsentences = [s for text in a.paragraphs.text for s in text.split(\"。\") if s]\npd = __import__(\"pandas\")\npd.DataFrame(suggest_terms(sentences, min_count=2, top=5))[[\"dimension\", \"term\", \"g2\", \"pmi\", \"count\"]]"),
        ("code", "a.documents[\"city\"] = a.documents.title.str[:2]\nresult = a.compare(by=\"city\", groups=(\"江川\", \"临海\"))\nresult[\"profiles\"].join(result[\"coupling\"][[\"C\", \"T\", \"D\"]]).round(3)"),
    ],
    "03_actors.ipynb": [
        ("md", "# 03 主体 Actors\n\n官产学研服网络，维度 × 主体矩阵，下钻到段落。The actor network, the dimension × actor matrix, drill-down to paragraphs."),
        ("code", SETUP),
        ("code", "from pipeline.analysis import analyze\na = analyze([SAMPLE], out_dir=WORK / \"run\")\na.actors.type.value_counts()"),
        ("code", "co = a.cooccurrence()\nco[\"dimension_actor\"]"),
        ("code", "from pipeline.plots import plot_dimension_actor_heatmap, plot_actor_network\nplot_dimension_actor_heatmap(co[\"dimension_actor\"])"),
        ("code", "plot_actor_network(co[\"actor_actor\"])"),
        ("code", "a.actors[a.actors.role != \"\"].groupby([\"type\", \"role\"]).size().sort_values(ascending=False).head(15)"),
        ("md", "下钻：资源维度 × 企业。Drill-down: the paragraphs behind the cell resources × enterprise, evidence highlighted."),
        ("code", "from IPython.display import HTML\nseg = a.segments(dimension=\"resources\", actor=\"enterprise\")\nHTML(\"<br>\".join(seg.highlighted.head(5)))"),
        ("code", "from pipeline.network import actor_network, write_network\nfrom pipeline.extract import extract_mentions\nimport pipeline\ndocs = list(pipeline.read_many([SAMPLE]))\ngraph = actor_network([(d.doc_id, m) for d, m in extract_mentions(docs)], level=\"name\")\nwrite_network(graph, WORK / \"actors.graphml\")\nsorted(graph.degree, key=lambda x: -x[1])[:10]"),
    ],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = nbf.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src) for kind, src in cells]
        nbf.write(nb, OUT / name)
    print("wrote", ", ".join(NOTEBOOKS))


if __name__ == "__main__":
    main()
