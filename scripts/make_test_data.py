"""Write the tiny per-format, per-encoding fixture files in tests/data (our own text).

Usage: python scripts/make_test_data.py
"""
from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data"
TITLE = "江川市推进市域产教联合体建设的通知"
BODY = [
    "来源：江川市教育局 发布日期：2024-03-15",
    "文号：江教职成〔2024〕12号",
    "一、总体要求",
    "坚持政府统筹、企业牵引、学校主体，推动产教融合。",
    "二、主要任务",
    "支持企业与职业院校共建共享实训基地，市财政安排专项资金。",
]
TRAD_BODY = ["職業院校與企業共建實訓基地。", "政府統籌，產業集群協同發展。"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text = "\n".join([TITLE, *BODY]) + "\n"
    (OUT / "utf8.txt").write_bytes(text.encode("utf-8"))
    (OUT / "utf8_bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (OUT / "utf16.txt").write_bytes(text.encode("utf-16"))
    (OUT / "gb18030.txt").write_bytes(text.encode("gb18030"))
    (OUT / "big5.txt").write_bytes(("職業教育通知\n" + "\n".join(TRAD_BODY) + "\n").encode("big5"))
    (OUT / "doc.md").write_text("# " + TITLE + "\n\n" + "\n\n".join(BODY) + "\n", encoding="utf-8")
    html = (
        "<html><head><meta charset=\"gbk\"><title>站点 - " + TITLE + "</title><style>p{color:red}</style>"
        "<script>var x = '不应出现';</script></head><body>"
        "<div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/a\">政策文件</a> <a href=\"/b\">新闻</a></div>"
        "<p>当前位置：首页 > 政策文件 ></p><h1>" + TITLE + "</h1>"
        + "".join(f"<p>{b}</p>" for b in BODY) + "<p>点击：123</p>"
        "<div class=\"footer\">版权所有 江川市教育局</div></body></html>"
    )
    (OUT / "page_gbk.html").write_bytes(html.encode("gbk"))
    import docx

    d = docx.Document()
    d.add_heading(TITLE, level=1)
    for b in BODY:
        d.add_paragraph(b)
    d.save(OUT / "doc.docx")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(OUT / "doc.pdf"), pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 12)
    y = 800
    for line in [TITLE, *BODY]:
        c.drawString(50, y, line)
        y -= 20
    c.save()
    rec = [
        '{"id": "r1", "title": "甲", "date": "2024-01-02", "text": "政府统筹，校企合作共建实训基地。", "region": "江川"}',
        '{"id": "r2", "title": "乙", "text": ""}',
        '{"id": "r3", "title": "丙", "text": "深圳市人民政府支持江川职业技术学院。"}',
    ]
    (OUT / "records.jsonl").write_text("\n".join(rec) + "\n", encoding="utf-8")
    (OUT / "records.csv").write_text("id,text,year\nc1,企业与学校合作。,2023\nc2,县域经济协调发展。,2024\n", encoding="utf-8")
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
