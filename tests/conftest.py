"""Shared fixtures (session-scoped: segmenters and models load once)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_3699bdfcc7815144.txt"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpora").is_dir():
        pytest.skip("../shared corpora not present")
    return SHARED


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("seed essay not present in ../shared/seeds")
    return SEED


@pytest.fixture(scope="session")
def text_zh() -> str:
    return "江川市坚持政府统筹、企业牵引、学校主体，推动市域产教联合体与产业集群共建共享实训基地。"


@pytest.fixture(scope="session")
def texts_zh() -> list[str]:
    # Together: all four dimensions, several actor types, and one paragraph with no hits.
    return [
        "以市域为统筹单元，推动城乡区域协调发展，优化产业园区布局。",
        "成立由政府、企业、学校、科研机构等多方参与的理事会，实行校企合作。",
        "市财政每年安排专项资金5000万元，落实税收优惠，保障实训基地用地。",
        "坚持共建共享、互利共赢，协同育人，服务地方产业高质量发展。",
        "深圳市人民政府支持江川职业技术学院与行业协会开展产学研合作。",
        "会议定于下午三时召开，请准时参加。",
    ]


@pytest.fixture(scope="session")
def document_zh(texts_zh):
    from pipeline import read_text

    return read_text("江川市产教融合实施方案\n一、总体要求\n" + "\n".join(texts_zh[:3]) + "\n二、保障措施\n" + "\n".join(texts_zh[3:]))


@pytest.fixture(scope="session")
def codebook_small(tmp_path_factory) -> Path:
    """A two-dimension framework with one actor type, written as a file."""
    path = tmp_path_factory.mktemp("fw") / "small.yaml"
    path.write_text(
        """schema: chanjiao-framework/1
id: small
name: 小框架
nested: longest
dimensions:
  - id: place
    name: 地域
    definition: 空间范围
    categories:
      - id: city
        name: 城市
        terms: [城镇化, 新型城镇化, {term: 县域, weight: 2.0}]
  - id: money
    name: 资金
    definition: 资金投入
    exclude: [资金往来]
    categories:
      - id: fiscal
        name: 财政
        terms: [资金, 财政]
actors:
  types:
    - id: gov
      name: 官
      terms: [政府]
      suffixes: [人民政府]
  roles: [统筹]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def userdict_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dict") / "user.txt"
    path.write_text("清源模式 100 nz\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def segmenter():
    from pipeline import load_segmenter

    return load_segmenter()


@pytest.fixture(scope="session")
def default_model():
    # the form `chanjiao classify` uses (numpy only: it loads under any scikit-learn version)
    from pipeline.models import load_model

    return load_model(portable=True)


@pytest.fixture(scope="session")
def tiny_labels(tmp_path_factory, texts_zh) -> Path:
    """A small label file: the six test texts, twelve times each (the last three rounds held out)."""
    import csv

    labels = tmp_path_factory.mktemp("labels") / "labels.csv"
    codes = [(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (0, 1, 0, 0), (0, 0, 0, 0)]
    with open(labels, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["unit_id", "split", "field", "actors", "resources", "value", "text"])
        for k in range(12):
            for i, (t, lab) in enumerate(zip(texts_zh, codes)):
                w.writerow([f"u{k}{i}", "test" if k >= 9 else "train", *lab, t + "。" * k])
    return labels
