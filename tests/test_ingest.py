import os
import zipfile

import pytest

from pipeline import read, read_many, read_text
from pipeline.errors import IngestError
from pipeline.ingest import decode_bytes, iter_paths, read_file
from pipeline.types import Failure

TITLE = "江川市推进市域产教联合体建设的通知"

# fmt: off
FILES = [
    ("utf8.txt", "utf-8"),
    ("utf8_bom.txt", "utf-8-sig"),
    ("utf16.txt", "utf-16"),
    ("gb18030.txt", "gb18030"),
    ("doc.md", "utf-8"),
    ("page_gbk.html", "gb18030"),
    ("doc.docx", ""),
    ("doc.pdf", ""),
]
# fmt: on


@pytest.mark.parametrize("name,encoding", FILES)
def test_ingest_every_format_and_encoding(data_dir, name, encoding):
    doc = read(data_dir / name)
    assert doc.encoding == encoding
    assert doc.title == TITLE
    assert doc.date == "2024-03-15"
    assert doc.source == "江川市教育局"
    assert doc.doc_number == "江教职成〔2024〕12号"
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["一、总体要求", "坚持政府统筹、企业牵引、学校主体，推动产教融合。", "二、主要任务", "支持企业与职业院校共建共享实训基地，市财政安排专项资金。"]
    assert doc.paragraphs[3].section == ("二、主要任务",)
    assert all(doc.text[p.start:p.end] == p.text for p in doc.paragraphs)
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)


def test_ingest_html_drops_scripts_styles_and_navigation(data_dir):
    doc = read(data_dir / "page_gbk.html")
    assert "不应出现" not in doc.text and "color" not in doc.text
    assert "首页" not in doc.text and "点击" not in doc.text and "版权所有" not in doc.text


def test_ingest_big5_traditional_converted_with_original_kept(data_dir):
    doc = read(data_dir / "big5.txt")
    assert doc.encoding == "big5" and doc.script == "traditional"
    assert "职业院校与企业共建实训基地。" in doc.text
    assert "職業院校與企業共建實訓基地。" in doc.original_text
    assert len(doc.text) == len(doc.original_text)


def test_ingest_records_end_at_newlines_only_and_slices_parse_their_own_records(tmp_path):
    import json

    recs = [{"id": f"r{i}", "text": f"第{i}条\u2028学校与企业合作。"} for i in range(5)]
    path = tmp_path / "u2028.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n\n", encoding="utf-8")
    docs = read_file(path)
    assert [d.doc_id for d in docs] == [f"r{i}" for i in range(5)]  # U+2028 inside a record splits nothing
    assert [d.doc_id for d in read_file(path, records=slice(3, 5))] == ["r3", "r4"]
    # a bad line is reported by the slice that holds it, not by every slice
    path.write_text(path.read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    assert [d.doc_id for d in read_file(path, records=slice(1, 3))] == ["r1", "r2"]
    with pytest.raises(IngestError, match=":7"):
        read_file(path, records=slice(5, 6))


def test_ingest_records_keep_fields_and_order(data_dir):
    docs = read_file(data_dir / "records.jsonl")
    assert [d.doc_id for d in docs] == ["r1", "r2", "r3"]
    assert docs[0].meta == {"region": "江川"} and docs[0].date == "2024-01-02" and docs[0].title == "甲"
    assert docs[1].text == "" and docs[1].paragraphs == ()
    csv_docs = read_file(data_dir / "records.csv", text_field="text", id_field="id")
    assert [(d.doc_id, d.meta["year"]) for d in csv_docs] == [("c1", "2023"), ("c2", "2024")]
    with pytest.raises(IngestError, match="no text field 'body'"):
        read_file(data_dir / "records.jsonl", text_field="body")


def test_ingest_undecodable_bytes_are_replaced_with_a_warning():
    text, enc, warnings = decode_bytes("产教融合".encode() + b"\xff\xfe\xfd" * 2 + "校企合作".encode() * 30)
    assert "产教融合" in text or warnings
    assert enc


# fmt: off
BROKEN = [
    ("empty.txt", b"", "empty file"),
    ("noise.txt", bytes(range(256)) * 40, "binary data"),
    ("zero.docx", b"", "empty file"),
    ("notzip.docx", b"this is not a zip archive at all", "not a zip archive"),
    ("cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R", "PDF"),
    ("data.xyz", b"abc", "unsupported format"),
]
# fmt: on


@pytest.mark.parametrize("name,content,reason", BROKEN)
def test_ingest_broken_files_give_clear_errors(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason) as info:
        read(path)
    assert name in str(info.value)


def test_ingest_truncated_real_pdf(tmp_path, data_dir):
    data = (data_dir / "doc.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(IngestError, match="half.pdf"):
        read(path)


def _docx_with_document_xml(path, xml: bytes, data_dir):
    with zipfile.ZipFile(data_dir / "doc.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, xml if item.filename == "word/document.xml" else src.read(item.filename))


def test_ingest_docx_external_entity_is_never_expanded(tmp_path, data_dir):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>校企合作&xxe;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    path = tmp_path / "xxe.docx"
    _docx_with_document_xml(path, xml, data_dir)
    try:
        doc = read(path)
        assert "TOP-SECRET-CONTENT" not in doc.text
    except IngestError as exc:
        assert "xxe.docx" in str(exc)


def test_ingest_docx_zip_bomb_is_refused_without_inflating(tmp_path, data_dir):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(data_dir / "doc.docx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        with dst.open("word/media/bomb.bin", "w") as f:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                f.write(block)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(IngestError, match="refused"):
        read(path)


def test_ingest_folder_walk_is_symlink_loop_safe_and_reports_failures(tmp_path, data_dir):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a b 文件.txt").write_text("学校与企业合作。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    failures: list[Failure] = []
    docs = list(read_many([tmp_path], failures=failures))
    assert [d.text for d in docs] == ["学校与企业合作。"]
    assert [f.reason for f in failures] == ["empty file (0 bytes)"]
    assert len(list(iter_paths([tmp_path]))) == 2


def test_ingest_read_text_and_missing_path(tmp_path):
    doc = read_text("学校与企业共建实训基地。")
    assert doc.paragraphs[0].text == "学校与企业共建实训基地。"
    with pytest.raises(IngestError, match="no such file"):
        read(tmp_path / "missing.txt")


def test_ingest_seed_essay(seed_path, segmenter):
    doc = read(seed_path)
    assert doc.title.startswith("“两翼”建设")
    assert doc.date == "2024-11-08"
    assert doc.source.startswith("高新院")
    assert doc.original_source == "职业技术教育"
    for junk in ("Network", "当前位置", "点击", "主页 >"):
        assert junk not in doc.text
    assert doc.text.count("基于2022年中共中央办公厅") == 1
    headings = [p.text for p in doc.paragraphs if p.is_heading]
    assert headings == ["一、场域重合", "二、主体吻合", "三、资源聚合", "四、价值耦合"]
    body = [p for p in doc.paragraphs if not p.is_heading]
    assert [p.section for p in body[1:]] == [(h,) for h in headings]
    tokens = set(segmenter.cut(doc.text))
    for term in ("市域产教联合体", "产业集群", "第三方服务机构", "共建共享"):
        assert term in tokens


def test_ingest_all_laws_with_titles_dates_and_articles(shared_dir):
    docs = list(read_many([shared_dir / "corpora" / "laws"]))
    assert len(docs) == 30
    for doc in docs:
        assert doc.title and "第" not in doc.title[:1]
        articles = [p for p in doc.paragraphs if not p.is_heading and p.text.startswith("第")]
        assert len(articles) >= 20, doc.title
        chapters = [p for p in doc.paragraphs if p.is_heading]
        if chapters:
            assert all(p.section and p.section[0].startswith("第") for p in articles[1:])
    assert sum(1 for d in docs if d.date) >= 25
    edu = next(d for d in docs if d.title == "中华人民共和国教育法")
    art1 = next(p for p in edu.paragraphs if p.text.startswith("第一条"))
    assert art1.section == ("第一章 总则",)


def test_ingest_dash_is_standard_input_in_any_encoding(monkeypatch):
    import io
    import sys

    text = "市域产教联合体建设方案\n政府统筹，企业牵引，学校主体。"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("gb18030"))))
    docs = list(read_many(["-"]))
    assert len(docs) == 1 and docs[0].path == "<stdin>" and docs[0].encoding == "gb18030"
    assert docs[0].title == "市域产教联合体建设方案" and "政府统筹" in docs[0].text


def test_ingest_standard_input_of_binary_data_fails_like_a_file(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(bytes(range(256)) * 8)))
    failures: list[Failure] = []
    assert list(read_many(["-"], failures=failures)) == []
    assert failures and failures[0].path == "<stdin>" and "binary data" in failures[0].reason
