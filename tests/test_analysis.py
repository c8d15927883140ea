import math

import pandas as pd
import pytest

from pipeline.analysis import (
    Analysis,
    analyze,
    compare_analyses,
    coupling_coordination,
    highlight,
    log_likelihood,
)
from pipeline.errors import ChanjiaoError


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from pathlib import Path

    from pipeline.run import run_pipeline

    out = tmp_path_factory.mktemp("run") / "sample"
    run_pipeline([Path(__file__).resolve().parents[1] / "corpus" / "sample"], out, workers=1)
    return out


def test_analysis_coupling_coordination_hand_worked():
    # U1 = 0.64, U2 = 0.36: √(U1·U2) = 0.48, C = 2·0.48 / 1.00 = 0.96; T = 0.5·0.64 + 0.5·0.36 = 0.5;
    # D = √(0.96 · 0.5) = √0.48 = 0.69282
    r = coupling_coordination(0.64, 0.36)
    assert r["C"] == pytest.approx(0.96) and r["T"] == pytest.approx(0.5) and r["D"] == pytest.approx(math.sqrt(0.48))
    r = coupling_coordination(0.2, 0.8, alpha=0.4, beta=0.6)  # C = 2·0.4/1 = 0.8, T = 0.08 + 0.48 = 0.56
    assert r["C"] == pytest.approx(0.8) and r["T"] == pytest.approx(0.56) and r["D"] == pytest.approx(math.sqrt(0.448))
    assert coupling_coordination(0, 0)["D"] == 0
    with pytest.raises(ChanjiaoError):
        coupling_coordination(1.5, 0.2)


def test_analysis_log_likelihood_sign_and_value():
    # a=10 in c=100, b=0 in d=100: E1 = E2 = 5; G² = 2·10·ln(10/5) = 13.863
    assert log_likelihood(10, 0, 100, 100) == pytest.approx(2 * 10 * math.log(2))
    assert log_likelihood(0, 10, 100, 100) == pytest.approx(-2 * 10 * math.log(2))


def test_analysis_load_tables(sample_run):
    a = Analysis.load(sample_run)
    assert isinstance(a.documents, pd.DataFrame) and len(a.documents) == 16
    assert {"label_field", "score_value", "evidence"} <= set(a.paragraphs.columns)
    prof = a.profile()
    assert list(prof.columns) == ["field", "actors", "resources", "value"] and ((prof >= 0) & (prof <= 1)).all().all()
    co = a.cooccurrence()
    assert co["dimension_actor"].shape == (4, 5) and (co["actor_actor"].values == co["actor_actor"].values.T).all()
    assert a.label("field") == "场域 field"
    with pytest.raises(ChanjiaoError, match="not a chanjiao run"):
        Analysis.load(sample_run.parent)


def test_analysis_segments_drill_down(sample_run):
    a = Analysis.load(sample_run)
    seg = a.segments(dimension="resources", actor="enterprise")
    assert len(seg) > 0
    assert all("resources" in labels and "enterprise" in actors for labels, actors in zip(seg.labels, seg.actors))
    assert seg.highlighted.str.contains('<mark class="term">').any()
    assert seg.highlighted.str.contains('<span class="actor enterprise">').all()
    with pytest.raises(ChanjiaoError, match="unknown dimension"):
        a.segments(dimension="nope")


def test_analysis_highlight_escapes():
    out = highlight("<script>企业</script>共建", ["共建"], [(8, 10, "actor enterprise")])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<mark class="term">共建</mark>' in out and '<span class="actor enterprise">企业</span>' in out


def test_analysis_compare_groups(sample_run):
    a = Analysis.load(sample_run)
    a.documents["city"] = a.documents.title.str[:2]
    r = a.compare(by="city", groups=("江川", "临海"))
    assert list(r["profiles"].columns) == ["江川", "临海"]
    assert set(r["coupling"].columns) == {"U1", "U2", "C", "T", "D"}
    row = r["coupling"].loc["resources"]
    assert row.C == pytest.approx(coupling_coordination(row.U1, row.U2)["C"])
    assert {"dimension", "term", "group", "g2"} <= set(r["keyness"].columns) and len(r["keyness"]) > 0
    assert list(r["actors"].index) == ["government", "enterprise", "school", "research", "service"]
    assert set(r["roles"].group) <= {"江川", "临海"}
    with pytest.raises(ChanjiaoError, match="no document"):
        a.compare(by="city", groups=("江川", "北京"))


def test_analysis_analyze_texts():
    a = analyze(["学校与企业共建共享实训基地，市财政安排专项资金。", "会议定于下午三时召开。"])
    assert len(a.documents) == 2 and len(a.paragraphs) == 2
    assert a.paragraphs.label_resources.tolist()[0] == 1 and a.paragraphs.label_resources.tolist()[1] == 0
    b = compare_analyses(a.subset(["text0"]), a.subset(["text1"]), names=("x", "y"))
    assert b["profiles"].loc["resources", "x"] == 1.0
