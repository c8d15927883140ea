import pytest

from pipeline.split import heading_level, split_paragraphs, split_sentences

# fmt: off
HEADINGS = [
    ("一、总体要求", 1),
    ("（二）主要任务", 2),
    ("(三)保障措施", 2),
    ("3. 加强领导", 3),
    ("第三章 附则", 1),
    ("第二节 组织", 2),
    ("坚持产教融合", 0),
    ("2024年工作要点", 0),
]
SENTENCES = [
    ("坚持产教融合。推进校企合作！是否可行？", ["坚持产教融合。", "推进校企合作！", "是否可行？"]),
    ("他说：“我们要发展。要合作！”随后离开。", ["他说：“我们要发展。要合作！”随后离开。"]),
    ("《关于加快发展。的通知》已印发。下一步。", ["《关于加快发展。的通知》已印发。", "下一步。"]),
    ("第一行\n第二行。", ["第一行", "第二行。"]),
]
# fmt: on


@pytest.mark.parametrize("line,level", HEADINGS)
def test_split_heading_levels(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize("text,expected", SENTENCES)
def test_split_sentences_respect_quotes_and_brackets(text, expected):
    sents = split_sentences(text)
    assert [s.text for s in sents] == expected
    assert all(text[s.start:s.end] == s.text for s in sents)


def test_split_sections_and_offsets():
    text = "一、总体要求\n（一）指导思想。坚持政府统筹。\n二、主要任务\n推进校企合作。"
    paras = split_paragraphs(text, doc_id="d")
    assert [(p.text, p.section, p.is_heading) for p in paras] == [
        ("一、总体要求", (), True),
        ("（一）指导思想。坚持政府统筹。", ("一、总体要求", "（一）指导思想"), False),
        ("二、主要任务", (), True),
        ("推进校企合作。", ("二、主要任务",), False),
    ]
    assert all(text[p.start:p.end] == p.text for p in paras)


def test_split_articles_absorb_their_paragraphs():
    text = "第一章　总　则\n第一条 为了发展。\n第二条 本条例适用于：\n（一）甲；\n（二）乙。\n第三条 附则。\n第二章 其他\n第四条 施行。"
    paras = [p for p in split_paragraphs(text) if not p.is_heading]
    assert [p.text.split()[0] for p in paras] == ["第一条", "第二条", "第三条", "第四条"]
    assert paras[1].text.endswith("（二）乙。")
    assert paras[0].section == ("第一章 总则",)
    assert paras[3].section == ("第二章 其他",)
