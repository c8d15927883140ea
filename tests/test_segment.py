import json
import pickle

import pytest

from pipeline import load_nlp, load_segmenter, read_text, segment
from pipeline.codebook import load_framework
from pipeline.errors import ConfigError

# fmt: off
CUTS = [
    ("市域产教联合体与产业集群", ["市域产教联合体", "与", "产业集群"]),
    ("第三方服务机构发挥粘合作用", ["第三方服务机构", "发挥", "粘合", "作用"]),
    ("校企合作共建实训基地", ["校企合作", "共建", "实训基地"]),
    ("推进共建共享", ["推进", "共建共享"]),
    ("建设双师型教师队伍", ["建设", "双师型", "教师队伍"]),
    ("组建行业产教融合共同体", ["组建", "行业产教融合共同体"]),
    ("他从马上下来", ["他", "从", "马上", "下来"]),
    ("结婚的和尚未结婚的", ["结婚", "的", "和", "尚未", "结婚", "的"]),
]
# fmt: on


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
@pytest.mark.parametrize("text,expected", CUTS)
def test_segment_exact_tokens_both_engines(engine, text, expected):
    assert load_segmenter(engine).cut(text) == expected


def test_segment_offsets_and_pos_agree(segmenter):
    text = "江川市推动市域产教联合体建设"
    toks = segmenter.tokenize(text)
    assert all(text[s:e] == t for t, s, e in toks)
    assert [t for t, _ in segmenter.tag(text)] == [t for t, _, _ in toks]
    # a framework term keeps its dictionary tag in POS tagging, in both engines
    assert dict(load_segmenter("jieba").tag(text))["市域产教联合体"] == dict(segmenter.tag(text))["市域产教联合体"]


@pytest.mark.parametrize("name", ["four_dimensions", "policy_instruments"])
def test_segment_framework_terms_stay_whole(name):
    seg = load_segmenter("rjieba", name)
    terms = load_framework(name).all_terms()
    split = [t for t in terms if seg.cut(t) != [t]]
    assert len(split) <= len(terms) * 0.02, split


def test_segment_user_dictionary(userdict_path):
    assert "清源模式" in load_segmenter("rjieba", None, str(userdict_path)).cut("推广清源模式")


def test_segment_stage_offsets_point_into_document(document_zh):
    doc, paras = next(segment([document_zh], pos=True))
    for sp in paras:
        assert all(doc.text[s:e] == t for t, s, e in sp.tokens)
        assert len(sp.pos) == len(sp.tokens)


def test_segment_unknown_engine():
    with pytest.raises(ConfigError, match="segmenter"):
        load_segmenter("thulac")


def test_segment_no_live_segmenter_crosses_processes():
    # The Rust tokenizer cannot be pickled; configuration is what travels.
    with pytest.raises(TypeError):
        pickle.dumps(load_segmenter("rjieba"))


def test_segment_spacy_doc_keeps_offsets_sentences_and_spans():
    nlp = load_nlp()
    text = "他说：“要发展。”政府统筹，企业牵引。推动市域产教联合体共建共享！"
    doc = nlp(text)
    assert doc.text == text
    assert [s.text for s in doc.sents] == ["他说：“要发展。”政府统筹，企业牵引。", "推动市域产教联合体共建共享！"]
    assert {s.label_ for s in doc.spans["terms"]} >= {"field", "value"}
    assert {s.label_ for s in doc.spans["actors"]} == {"government", "enterprise"}
    assert all(text[t.idx:t.idx + len(t)] == t.text for t in doc)
    # the segmenter's POS tags ride on the tokens
    assert doc.has_annotation("TAG") and {t.tag_ for t in doc if t.text == "政府统筹"} == {"nz"}


def test_segment_spacy_parts_and_merges_of_docs_keep_their_own_text():
    from spacy.tokens import Doc

    nlp = load_nlp()
    doc = nlp("学校与企业合作。政府统筹。")
    part = doc[4:7].as_doc(copy_user_data=True)  # the recorded text is the whole Doc's: not used
    merged = Doc.from_docs([doc, nlp("企业牵引。")])  # no warning about our record (warnings are errors here)
    actors = nlp.get_pipe("chanjiao_actors")
    assert [s.text for s in actors(part).spans["actors"]] == ["政府统筹"]
    assert [s.text for s in actors(merged).spans["actors"]] == ["学校", "企业", "政府统筹", "企业牵引"]
    assert doc[:]._.chanjiao_text == doc.text


def test_segment_spacy_components_take_a_doc_made_elsewhere():
    from spacy.tokens import Doc

    nlp = load_nlp()
    doc = Doc(nlp.vocab, words=["学校", "与", "企业", "合作"], spaces=[False] * 4)  # not by our tokenizer
    for _, component in nlp.pipeline:
        doc = component(doc)
    assert [(s.text, s.label_) for s in doc.spans["actors"]] == [("学校", "school"), ("企业", "enterprise")]


@pytest.mark.slow
def test_segment_engines_agree_on_cpc_reports(shared_dir):
    """Recorded: with our dictionary, 5 of 2,579 paragraphs differ between rjieba and jieba:
    jieba keeps 远未 and 军队院校 (two paragraphs each) as one word where rjieba splits them, and
    splits 乱国 where rjieba keeps it (near-ties in the two engines' frequency arithmetic, which
    move with every user word added: earlier dictionaries gave 军地 and 城乡人民 instead). Every
    other token agrees."""
    fast, ref = load_segmenter("rjieba"), load_segmenter("jieba")
    differ, total = [], 0
    with open(shared_dir / "corpora" / "gwr" / "cpc_congress_reports.jsonl", encoding="utf-8") as f:
        for line in f:
            for para in json.loads(line)["content"].split("\n"):
                if para.strip():
                    total += 1
                    if fast.cut(para) != ref.cut(para):
                        differ.append(para[:30])
    assert total == 2579
    assert len(differ) <= 5, differ


def test_segment_read_text_round_trip():
    doc = read_text("产学研合作")
    assert doc.paragraphs[0].text == "产学研合作"
