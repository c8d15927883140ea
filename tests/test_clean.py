import pytest

from pipeline.clean import clean_lines, normalize_width, parse_date, parse_meta_line, remove_repeated_blocks

# fmt: off
DATES = [
    ("2024-11-08", "2024-11-08"),
    ("2024年3月5日印发", "2024-03-05"),
    ("发布时间：2023/12/01 10:00", "2023-12-01"),
    ("无日期", ""),
]
# fmt: on


@pytest.mark.parametrize("text,expected", DATES)
def test_clean_parse_date(text, expected):
    assert parse_date(text) == expected


def test_clean_normalize_width_keeps_chinese_punctuation():
    assert normalize_width("ＡＢＣ１２３，。（）\u3000x") == "ABC123，。（） x"


def test_clean_meta_line_with_counter_and_leading_date():
    assert parse_meta_line("来源:高新院 achie.org 日期:2024-11-08 点击:") == {"source": "高新院 achie.org", "date": "2024-11-08"}
    assert parse_meta_line("2024-11-08 来源:高新院 点击:") == {"source": "高新院", "date": "2024-11-08"}
    assert parse_meta_line("(文章来源:《职业技术教育》)") == {"original_source": "职业技术教育"}


def test_clean_drops_boilerplate_and_lifts_metadata():
    lines = ["Network", "当前位置:主页 > 新闻中心 > 产业规划 >", "标题", "来源:教育局 日期:2024-01-02 点击:", "正文第一段。", "点击：123", "打印本页"]
    kept, meta = clean_lines(lines)
    assert kept == ["标题", "正文第一段。"]
    assert meta == {"source": "教育局", "date": "2024-01-02"}


def test_clean_repeated_block_removed_but_repeated_sentence_kept():
    law = ["第一条 甲。", "法律另有规定的，从其规定。", "第二条 乙。", "法律另有规定的，从其规定。"]
    assert remove_repeated_blocks(law) == law
    page = ["标题", "第一段很长的正文。", "第二段。", "标题", "第一段很长的正文。", "第二段。"]
    assert remove_repeated_blocks(page) == page[:3]
