"""Plots of a run: each returns a Figure with the expected parts and Chinese labels; a CJK font is
found and really draws the glyphs; without one the library warns once and falls back to ids."""
from __future__ import annotations

import configparser
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from pipeline import plots  # noqa: E402
from pipeline.codebook import load_framework  # noqa: E402
from pipeline.errors import ChanjiaoError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBE = "场域主体资源价值"
NO_FONT = ("no CJK font on this machine: pip install 'chanjiao[plots]' (Noto Sans SC) "
           "or apt-get install fonts-noto-cjk")


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    from pipeline.run import run_pipeline

    out = tmp_path_factory.mktemp("plots_run")
    run_pipeline([ROOT / "corpus" / "sample"], out, workers=1)
    return out


@pytest.fixture(scope="session")
def documents(run_dir) -> pd.DataFrame:
    return pd.read_parquet(run_dir / "documents.parquet")


@pytest.fixture(scope="session")
def framework():
    return load_framework(None)


@pytest.fixture(scope="session")
def dim_labels(framework) -> list[str]:
    return [f"{framework.label(d)} {d}" for d in framework.dimension_ids]


@pytest.fixture(scope="session")
def cjk_font() -> str:
    """The CJK font's path; skips the test on a machine without one."""
    if plots._find_cjk_font() is None:
        pytest.skip(NO_FONT)
    return plots.use_cjk_font()


@pytest.fixture
def no_cjk_font(monkeypatch):
    """A machine without any CJK font: the finder finds nothing; the warn-once state is fresh."""
    monkeypatch.setattr(plots, "_find_cjk_font", lambda: None)
    plots._warn_no_cjk_font.cache_clear()
    yield
    plots._warn_no_cjk_font.cache_clear()


def _texts(items) -> list[str]:
    return [t.get_text() for t in items]


# ------------------------------------------------------------------ fonts


def test_plots_cjk_font_draws_real_glyphs(cjk_font, tmp_path):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(cjk_font).get_charmap()
    assert all(ord(c) in charmap for c in PROBE + "政府企业学校")
    import matplotlib as mpl

    assert mpl.rcParams["axes.unicode_minus"] is False
    family = mpl.rcParams["font.sans-serif"][0]
    assert Path(font_manager.findfont(font_manager.FontProperties(family=[family]))).resolve() == Path(cjk_font).resolve()
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("场域 主体 资源 价值 −1")
    ax.plot([-1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "Glyph … missing from font" would raise
        fig.savefig(tmp_path / "glyphs.png")
    assert (tmp_path / "glyphs.png").stat().st_size > 1000


def test_plots_use_cjk_font_is_stable(cjk_font):
    import matplotlib as mpl

    assert plots.use_cjk_font() == cjk_font
    fams = mpl.rcParams["font.sans-serif"]
    assert fams.count(fams[0]) == 1


def test_plots_extra_names_the_font_package():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    extra = cfg["options.extras_require"]["plots"]
    module = plots._PACKAGE_FONTS[0][0]
    assert "matplotlib" in extra
    assert module.replace("_", "-") in extra


def test_plots_package_font_has_simplified_glyphs():
    pytest.importorskip(plots._PACKAGE_FONTS[0][0], reason="the plots extra's font package is not installed")
    files = plots._package_font_files()
    assert files and files[0].endswith(plots._PACKAGE_FONTS[0][1])
    assert plots._has_glyphs(files[0], chars=PROBE + "政府企业")
    path, family = plots._register(files[0])
    assert family == "Noto Sans SC"


def test_plots_font_search_prefers_simplified_forms(monkeypatch):
    find = plots._search_cjk_font  # the search itself, not its per-process cache
    monkeypatch.setattr(plots, "_registered_fonts", lambda fm: [("/fonts/cjk.ttc", "Noto Sans CJK JP")])
    monkeypatch.setattr(plots, "_SYSTEM_FONT_FILES", ())
    monkeypatch.setattr(plots, "_package_font_files", lambda: ["/pkg/NotoSansSC-Regular.otf"])
    monkeypatch.setattr(plots, "_register", lambda path: (path, "Noto Sans SC") if path.startswith("/pkg/") else None)
    assert find() == ("/pkg/NotoSansSC-Regular.otf", "Noto Sans SC")
    monkeypatch.setattr(plots, "_package_font_files", lambda: [])
    assert find() == ("/fonts/cjk.ttc", "Noto Sans CJK JP")


def test_plots_system_font_registers_a_cjk_family():
    path = plots._SYSTEM_FONT_FILES[0]
    if not Path(path).is_file():
        pytest.skip(f"{path} not installed (apt-get install fonts-noto-cjk)")
    found = plots._register(path)
    assert found is not None and "CJK" in found[1]


def test_plots_without_cjk_font_warns_once_and_uses_ids(no_cjk_font, documents, run_dir, framework):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert plots.use_cjk_font() is None
        assert plots.use_cjk_font() is None
        fig = plots.plot_dimension_bars(documents)
        plots.plot_actor_network(pd.read_parquet(run_dir / "actor_cooccurrence.parquet"))
    ours = [w for w in caught if "chanjiao.plots" in str(w.message)]
    assert len(ours) == 1
    assert "pip install 'chanjiao[plots]'" in str(ours[0].message)
    assert "fonts-noto-cjk" in str(ours[0].message)
    ax = fig.axes[0]
    assert _texts(ax.get_legend().get_texts()) == list(framework.dimension_ids)
    assert all(t.isascii() for t in _texts(ax.get_yticklabels()))


def test_plots_core_does_not_import_matplotlib():
    code = ("import sys, pipeline, pipeline.run, pipeline.analysis, pipeline.cli, pipeline.plots; "
            "sys.exit(1 if 'matplotlib' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# ------------------------------------------------------------------ plots


def test_plots_radar_one_document(cjk_font, documents, dim_labels):
    fig = plots.plot_profile_radar(documents.iloc[0])
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.name == "polar"
    assert len(ax.lines) == 1
    assert _texts(ax.get_xticklabels()) == dim_labels
    share = documents.iloc[0][[c for c in documents.columns if c.startswith("share_")]].to_numpy(dtype=float)
    assert list(ax.lines[0].get_ydata()[:-1]) == pytest.approx(list(share))


def test_plots_radar_two_groups(cjk_font, documents, dim_labels):
    cols = [c for c in documents.columns if c.startswith("share_")]
    groups = {name: documents[documents.title.str.contains(name)][cols].mean() for name in ("江川", "临海")}
    for profiles in (pd.DataFrame(groups), {k: v.to_dict() for k, v in groups.items()}):
        fig = plots.plot_profile_radar(profiles, title="江川与临海")
        ax = fig.axes[0]
        assert len(ax.lines) == 2
        assert _texts(ax.get_legend().get_texts()) == ["江川", "临海"]
        assert _texts(ax.get_xticklabels()) == dim_labels
        assert ax.get_title() == "江川与临海"


def test_plots_dimension_bars(cjk_font, documents, dim_labels):
    fig = plots.plot_dimension_bars(documents)
    (ax,) = fig.axes
    assert len(ax.patches) == len(documents) * len(dim_labels)
    assert _texts(ax.get_legend().get_texts()) == dim_labels
    names = _texts(ax.get_yticklabels())
    assert len(names) == len(documents) and "江川市智能装备市域产教联合体建设实施方案" in names
    widths = pd.Series([p.get_width() for p in ax.patches]).to_numpy().reshape(len(dim_labels), len(documents))
    totals = widths.sum(axis=0)
    assert all(t == pytest.approx(1.0) or t == 0 for t in totals)


def test_plots_heatmap_accepts_run_table_and_index(cjk_font, run_dir, framework, dim_labels):
    raw = pd.read_parquet(run_dir / "dimension_actor.parquet")
    type_labels = [f"{framework.label(t)} {t}" for t in framework.actor_type_ids]
    for matrix in (raw, raw.set_index("row"), raw.set_index("row").T):
        fig = plots.plot_dimension_actor_heatmap(matrix)
        assert len(fig.axes) == 2  # heatmap + colour bar
        ax = fig.axes[0]
        assert ax.images[0].get_array().shape == (len(dim_labels), len(type_labels))
        assert _texts(ax.get_yticklabels()) == dim_labels
        assert _texts(ax.get_xticklabels()) == type_labels
        assert len(ax.texts) == len(dim_labels) * len(type_labels)
    assert "row" in raw.columns  # the caller's table is left alone


def test_plots_trends_by_year_and_issuer(cjk_font, documents, dim_labels):
    fig = plots.plot_trends(documents, by="date")
    ax = fig.axes[0]
    assert len(ax.lines) == len(dim_labels)
    assert _texts(ax.get_legend().get_texts()) == dim_labels
    assert _texts(ax.get_xticklabels())[0].startswith("2024")

    fig = plots.plot_trends(documents, by="issuer")
    ax = fig.axes[0]
    groups = documents.issuer.fillna("").str.strip().nunique()
    assert len(ax.patches) == groups * len(dim_labels)
    fig = plots.plot_trends(documents, by="source")
    ticks = _texts(fig.axes[0].get_xticklabels())
    assert len(ticks) == documents.source.fillna("").str.strip().nunique()
    assert any("江川市教育局" in t for t in ticks)


def test_plots_trends_errors(cjk_font, documents):
    with pytest.raises(ChanjiaoError, match="no column"):
        plots.plot_trends(documents, by="nope")
    with pytest.raises(ChanjiaoError, match="date"):
        plots.plot_trends(documents.assign(date=""), by="date")


def test_plots_actor_network_from_matrix(cjk_font, run_dir, framework):
    cooc = pd.read_parquet(run_dir / "actor_cooccurrence.parquet")
    fig = plots.plot_actor_network(cooc)
    (ax,) = fig.axes
    nodes = ax.collections[-1]
    assert len(nodes.get_offsets()) == len(cooc)
    assert len(set(nodes.get_sizes())) > 1  # node size follows the counts
    edges = ax.collections[0]
    assert len(edges.get_segments()) == 10 and len(set(edges.get_linewidths())) > 1
    labels = _texts(ax.texts)
    count = int(cooc.set_index("row").loc["government", "government"])
    assert f"{framework.label('government')} government\n{count}" in labels


def test_plots_actor_network_from_graph(cjk_font):
    g = nx.Graph()
    g.add_node("江川职业技术学院", type="school", count=3)
    g.add_node("恒锐公司", type="enterprise", count=2)
    g.add_node("government", type="government", count=1)
    g.add_edge("江川职业技术学院", "恒锐公司", weight=2)
    fig = plots.plot_actor_network(g)
    labels = _texts(fig.axes[0].texts)
    assert "江川职业技术学院\n3" in labels and "恒锐公司\n2" in labels
    assert any(t.startswith("政府 government") for t in labels)


def test_plots_follow_another_framework(cjk_font, codebook_small):
    fw = load_framework(codebook_small)
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["甲", "乙", "丙"], "date": ["2021-01-01", "2022-03-01", ""],
                         "share_place": [0.5, 0.2, 0.0], "share_money": [0.5, 0.4, 0.0]})
    labels = ["地域 place", "资金 money"]
    fig = plots.plot_dimension_bars(docs, framework=codebook_small)
    assert len(fig.axes[0].patches) == 6
    assert _texts(fig.axes[0].get_legend().get_texts()) == labels
    assert _texts(plots.plot_profile_radar(docs.iloc[0], framework=fw).axes[0].get_xticklabels()) == labels
    assert len(plots.plot_trends(docs, framework=fw).axes[0].lines) == 2
    heat = plots.plot_dimension_actor_heatmap(pd.DataFrame({"row": ["place", "money"], "gov": [1, 2]}), framework=fw)
    assert _texts(heat.axes[0].get_xticklabels()) == ["官 gov"]


def test_plots_save_figure(cjk_font, documents, tmp_path):
    fig = plots.plot_profile_radar(documents.iloc[1])
    for ext in ("png", "svg", "pdf"):
        out = plots.save_figure(fig, tmp_path / f"radar.{ext}")
        assert out.stat().st_size > 1000
    assert (tmp_path / "radar.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(ChanjiaoError, match=r"\.png"):
        plots.save_figure(fig, tmp_path / "radar.jpg")
