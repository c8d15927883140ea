"""Build the bundled sample corpus (corpus/sample/) from the UTF-8 sources in corpus/sample_src/.

The sources are 13 fictional policy-style documents (fictional cities 江川市 / 临海市 / 青禾县, fictional
companies, colleges and bodies). This script renders them into a deliberately MIXED set of formats
and encodings, so that the ingestion side of chanjiao has something realistic to chew on:

    GB18030/GBK .txt, UTF-8-with-BOM .txt, UTF-16 .txt, Big5 .txt in traditional characters,
    Markdown, a badly scraped HTML page (navigation boilerplate, duplicated article block),
    an HTML page in GBK declared with <meta charset="gbk">, a .docx, a .pdf with a text layer,
    plain UTF-8 .txt (one with CRLF line ends, one with a space in its name) and a JSONL file.

It also writes corpus/SAMPLE.md (the file table) and, unless --no-verify is given, reads
every output back (decode with its encoding, python-docx for the .docx, pypdf for the .pdf) and
prints a verification report.  Exit status is non-zero if a check fails.

Usage: python scripts/build_sample_corpus.py [--src corpus/sample_src] [--out corpus/sample] [--no-verify]
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

META_RE = re.compile(r"^(来源|发布日期|签订日期|文号|作者)：")
CN_NUM = "一二三四五六七八九十"
H1_RE = re.compile(rf"^[{CN_NUM}]+、")           # 一、
H2_RE = re.compile(rf"^（[{CN_NUM}]+）")          # （一）
CHAPTER_RE = re.compile(rf"^第[{CN_NUM}]+章")     # 第一章
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Spec:
    src: str        # file in sample_src
    out: str        # file in sample/
    fmt: str        # txt | md | html-scraped | html-gbk | docx | pdf
    encoding: str   # python codec (or "-" for binary formats)
    label_enc: str  # encoding as shown in the README
    doc_type: str   # README: document type (中文 / English)
    covers: str     # README: what it covers
    newline: str = "\n"
    traditional: bool = False


SPECS: list[Spec] = [
    Spec("01_notice_lianheti_shenbao.txt", "notice_通知_江教职成2024-12号_gb18030.txt", "txt",
         "gb18030", "GB18030 (GBK-compatible bytes)", "通知 notice (with 文号)",
         "市域产教联合体申报：园区/市域场域、政府统筹企业牵引学校主体、奖补/用地/税费、共建共享"),
    Spec("02_opinion_chanjiao_ronghe.txt", "opinion_意见_深化产教融合_utf8-bom.txt", "txt",
         "utf-8-sig", "UTF-8 with BOM", "意见 opinion",
         "all four dimensions; 官产学研服 listed explicitly; 城乡区域协调 (field rule); 互利共赢"),
    Spec("03_plan_lianheti_shishi_fangan.txt", "plan_实施方案_智能装备市域产教联合体.docx", "docx",
         "-", "OOXML (UTF-8 inside)", "实施方案 implementation plan (一、（一）1. headings)",
         "市域产教联合体 organisation (理事会/秘书处), 实训基地 resources, 产学研, 政校企 共建共享"),
    Spec("04_news_lianheti_jiepai.txt", "news_新闻_联合体揭牌成立_scraped.html", "html-scraped",
         "utf-8", "UTF-8", "新闻 news report (scraped web page)",
         "boilerplate: 当前位置/点击/nav/script/style/footer, article block appears twice; actors incl. bank, association, platform"),
    Spec("05_commentary_siwei_guancha.txt", "commentary_评论_四维度看江川实践.md", "md",
         "utf-8", "UTF-8", "评论 research commentary (Markdown)",
         "explicitly walks through 场域/主体/资源/价值; 官产学研服 roles; value as shared return"),
    Spec("06_charter_lishihui_zhangcheng.txt", "charter_理事会章程_智能装备联合体.pdf", "pdf",
         "-", "PDF text layer (STSong-Light CID font, UniGB-UCS2-H)", "理事会章程 council charter (第一章/第一条)",
         "governance (理事会, 成员权利义务), member resource duties, IP sharing; page numbers '- n -' in footer"),
    Spec("07_cluster_plan_xinnengyuan.txt", "cluster_plan_产业集群规划_临海新能源汽车零部件_utf16.txt", "txt",
         "utf-16", "UTF-16 (LE, with BOM)", "产业集群发展规划 industrial-cluster plan",
         "空间布局 一核一带多点 (field), 链主企业/研究院/商会/金融机构, land & fund resources"),
    Spec("08_talent_policy_jineng_rencai.txt", "talent_policy_人才政策_临海技能人才_gbk.html", "html-gbk",
         "gbk", "GBK, declared `<meta charset=\"gbk\">`", "人才政策 talent policy (web page)",
         "talent/skills supply, 公共实训基地, 商会, 研究院; traps: 住房/贷款贴息 to individuals"),
    Spec("09_fiscal_tax_caishui_cuoshi.txt", "fiscal_tax_財稅措施_big5_traditional.txt", "txt",
         "big5", "Big5, TRADITIONAL characters (OpenCC s2t)", "财税支持措施 fiscal/tax measure",
         "教育费附加抵免, 奖补, 贴息, 金融机构; trap: 学生资助 (welfare, not resources)", traditional=True),
    Spec("10_county_qinghe_xianyu.txt", "county_县级文件_青禾县域职教与茶竹产业_utf8.txt", "txt",
         "utf-8", "UTF-8", "县级文件 county-level opinion",
         "县域/山区 field, 协会/信用社/电商中心 (service), 农科院茶叶研究所 (research), 成果惠及群众"),
    Spec("11_summary_jiangchuan_zhiyuan.txt", "summary_工作总结_江川职院2024产教融合_utf8-crlf.txt", "txt",
         "utf-8", "UTF-8, CRLF line ends", "工作总结 work summary",
         "school's view: 园区办学, 校企/产学研, 设备与资金投入, 互利共赢; numbers as results", newline="\r\n"),
    Spec("12_agreement_xiaoqi_hezuo.txt", "校企合作协议 江川职院-恒锐智能.txt", "txt",
         "utf-8", "UTF-8 (file name has a space)", "校企合作协议 school–enterprise agreement",
         "甲方/乙方 rights & duties, 设备产权, 知识产权分配, 共建共享 互利共赢"),
    Spec("13_logistics_huiwu_anpai.txt", "meeting_logistics_会务安排通知_utf8.txt", "txt",
         "utf-8", "UTF-8", "会务通知 meeting-logistics notice",
         "near-NEGATIVE control: time, venue, parking, meals — almost no framework content"),
]

# Three short JSONL records (original text; fictional places and bodies).
NEWS_RECORDS = [
    {"id": "news-001", "title": "临海新能源汽车零部件市域产教联合体召开首次理事会",
     "date": "2024-08-30",
     "text": "8月29日，临海新能源汽车零部件市域产教联合体在临海经济技术开发区召开首次理事会。"
             "会议明确由开发区管委会负责统筹协调，链主企业提出岗位需求和技术难题，临海职业技术学院承担人才培养，"
             "临海新能源汽车技术研究院提供研发支撑，临海市汽车零部件商会负责需求调查和对接服务。"
             "与会各方表示，将围绕集群共建实训基地、共享设备和数据，实现人才共育、成果共享。"},
    {"id": "news-002", "title": "江川农商银行“产教贷”首批放款1.3亿元",
     "date": "2024-11-05",
     "text": "记者从江川农村商业银行获悉，面向市域产教联合体成员企业的“产教贷”专项产品已累计向11家企业放款1.3亿元，"
             "主要用于购置实训设备和开展职工技能培训。市财政按规定对相关贷款给予贴息，企业实际融资成本明显下降。"},
    {"id": "news-003", "title": "青禾县举办第三届春茶开采节",
     "date": "2024-03-28",
     "text": "3月27日，青禾县第三届春茶开采节在翠岭村开幕。活动现场设置了手工制茶展示、茶艺表演和农产品展销等环节，"
             "吸引了周边市民前来观光。开幕当天天气晴好，茶园游客络绎不绝。"},
]


# ---------------------------------------------------------------- parsing

@dataclass
class Doc:
    title: str
    meta: list[str]   # lines like 来源：...
    body: list[str]   # non-empty body lines (paragraphs)

    def plain(self) -> str:
        out = [self.title, *self.meta, ""]
        out += self.body
        return "\n".join(out) + "\n"


def parse(path: Path) -> Doc:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].strip()
    meta, body = [], []
    i = 1
    while i < len(lines) and (META_RE.match(lines[i]) or not lines[i].strip()):
        if lines[i].strip():
            meta.append(lines[i].strip())
        i += 1
    for line in lines[i:]:
        if line.strip():
            body.append(line.strip())
    return Doc(title, meta, body)


def to_traditional(text: str) -> str:
    """OpenCC s2t, then replace the few OpenCC-standard variants Big5 cannot encode (e.g. 爲→為)."""
    from opencc import OpenCC
    t = OpenCC("s2t").convert(text)
    tw = OpenCC("t2tw")
    out = []
    for ch in t:
        try:
            ch.encode("big5")
        except UnicodeEncodeError:
            alt = tw.convert(ch)
            alt.encode("big5")  # raises if still not representable
            ch = alt
        out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- writers

def write_txt(doc: Doc, spec: Spec, dest: Path) -> str:
    text = doc.plain()
    if spec.traditional:
        text = to_traditional(text)
    text = text.replace("\n", spec.newline)
    # newline="" so that Python does not translate line ends; the codec adds the BOM for
    # utf-8-sig and utf-16.
    with open(dest, "w", encoding=spec.encoding, errors="strict", newline="") as f:
        f.write(text)
    return text


def write_md(doc: Doc, spec: Spec, dest: Path) -> str:
    out = [f"# {doc.title}", ""]
    for m in doc.meta:
        out += [m, ""]
    for p in doc.body:
        if H1_RE.match(p) and len(p) <= 40:
            out += [f"## {p}", ""]
        else:
            out += [p, ""]
    text = "\n".join(out)
    dest.write_text(text, encoding=spec.encoding)
    return text


SCRAPED_STYLE = """
body{font-family:"Microsoft YaHei",SimSun,sans-serif;margin:0;background:#f4f4f4}
.top{background:#b40000;color:#fff;padding:6px 20px;font-size:12px}
.nav li{display:inline-block;padding:8px 18px;color:#fff}
.article h1{font-size:22px;text-align:center}.info{color:#888;text-align:center;font-size:12px}
.content p{text-indent:2em;line-height:2}.footer{background:#333;color:#ccc;font-size:12px;padding:20px}
"""

SCRIPT_HEAD = """
var _hmt = _hmt || [];
(function(){var hm=document.createElement("script");hm.src="//stat.example.cn/hm.js?demo";
var s=document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm,s);})();
function setFontSize(n){document.getElementById('zoom').style.fontSize=n+'px';}
"""

SCRIPT_TAIL = """
document.getElementById('hits').innerHTML='123';
if(window.console){console.log("访问统计已加载");}
"""


def _article_block(doc: Doc, meta_line: str, cls: str) -> str:
    paras = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in doc.body)
    return (f'<div class="{cls}">\n<h1>{html.escape(doc.title)}</h1>\n'
            f'<div class="info">{meta_line}</div>\n'
            f'<div class="content" id="zoom">\n{paras}\n</div>\n</div>')


def write_html_scraped(doc: Doc, spec: Spec, dest: Path) -> str:
    metad = dict(m.split("：", 1) for m in doc.meta)
    meta_line = (f"来源：{html.escape(metad.get('来源', ''))}&nbsp;&nbsp;"
                 f"发布日期：{metad.get('发布日期', '')}&nbsp;&nbsp;"
                 f"{html.escape(metad.get('作者', ''))}&nbsp;&nbsp;"
                 f'点击：<span id="hits">123</span>&nbsp;&nbsp;【字体：<a href="javascript:setFontSize(18)">大</a> '
                 f'<a href="javascript:setFontSize(16)">中</a> <a href="javascript:setFontSize(14)">小</a>】')
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="keywords" content="江川市,产教融合,职业教育">
<title>{html.escape(doc.title)}_江川市人民政府门户网站（示例站点）</title>
<style>{SCRAPED_STYLE}</style>
<script type="text/javascript">{SCRIPT_HEAD}</script>
</head>
<body>
<div class="top">江川市人民政府门户网站（虚构示例） | 无障碍浏览 | 长者模式 | English | 登录 | 注册</div>
<div class="header"><img src="/images/logo.png" alt="江川市人民政府"><form action="/search"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></div>
<ul class="nav">
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zcwj/">政策文件</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjjc/">走进江川</a></li>
</ul>
<div class="crumb">当前位置：首页 > 政策文件 > 部门动态</div>
{_article_block(doc, meta_line, "article")}
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a> 【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</div>
<!-- print version rendered by the CMS; the scraper picked it up too -->
{_article_block(doc, meta_line, "article print-version")}
<div class="related"><h3>相关链接</h3><ul>
<li><a href="#">江川市教育局关于开展2024年市域产教联合体建设项目申报工作的通知</a></li>
<li><a href="#">江川市人民政府办公室关于深化产教融合促进职业教育与产业集群协同发展的意见</a></li>
<li><a href="#">上一篇：全市职业教育工作会议召开</a></li><li><a href="#">下一篇：高新区举办秋季人才招聘会</a></li>
</ul></div>
<div class="footer">
<p>主办单位：江川市人民政府办公室（虚构示例）&nbsp;&nbsp;承办：江川市大数据中心</p>
<p>网站标识码：0000000000&nbsp;&nbsp;示ICP备00000000号&nbsp;&nbsp;公安机关备案号：00000000000000</p>
<p>版权所有 © 2024 江川市人民政府 &nbsp; 联系我们 | 网站地图 | 隐私声明</p>
</div>
<script type="text/javascript">{SCRIPT_TAIL}</script>
</body>
</html>
"""
    dest.write_text(page, encoding=spec.encoding)
    return page


def write_html_gbk(doc: Doc, spec: Spec, dest: Path) -> str:
    meta = "&nbsp;&nbsp;".join(html.escape(m) for m in doc.meta)
    paras = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in doc.body)
    page = f"""<html>
<head>
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta charset="gbk">
<title>{html.escape(doc.title)}</title>
<style>body{{font-family:SimSun;font-size:14px}} .bt{{font-size:20px;font-weight:bold;text-align:center}}</style>
</head>
<body>
<table width="980" align="center"><tr><td>
<div class="menu"><a href="/">网站首页</a> | <a href="/tzgg/">通知公告</a> | <a href="/zcfg/">政策法规</a> | <a href="/bszn/">办事指南</a></div>
<div class="bt">{html.escape(doc.title)}</div>
<div class="xx">{meta}</div>
<div class="nr">
{paras}
</div>
<div class="bottom">临海市人力资源和社会保障局（虚构示例） 版权所有</div>
</td></tr></table>
</body>
</html>
"""
    with open(dest, "w", encoding=spec.encoding, errors="strict") as f:
        f.write(page)
    return page


def write_docx(doc: Doc, spec: Spec, dest: Path) -> str:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.core_properties.title = doc.title
    d.core_properties.author = "chanjiao sample corpus (fictional)"
    d.add_heading(doc.title, level=1)
    for m in doc.meta:
        d.add_paragraph(m)
    for p in doc.body:
        if H1_RE.match(p) and len(p) <= 40:
            d.add_heading(p, level=2)
        elif H2_RE.match(p) and len(p) <= 30:
            d.add_heading(p, level=3)
        else:
            d.add_paragraph(p)
    d.save(dest)
    return doc.plain()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    no_start = set("，。、；：？！）》」』”’%…")
    lines, cur = [], ""
    for ch in text:
        if cur and stringWidth(cur + ch, font, size) > width and ch not in no_start:
            lines.append(cur)
            cur = ch
        else:
            cur += ch   # closing punctuation hangs on the current line
    if cur:
        lines.append(cur)
    return lines


def write_pdf(doc: Doc, spec: Spec, dest: Path) -> str:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    w, h = A4
    margin_x, top, bottom = 72, 72, 72
    body_size, lead = 12, 22
    c = canvas.Canvas(str(dest), pagesize=A4)
    c.setTitle(doc.title)
    c.setAuthor("chanjiao sample corpus (fictional)")
    page = 1
    y = h - top

    def footer():
        c.setFont(font, 10)
        c.drawCentredString(w / 2, 40, f"- {page} -")

    def need(n_lines: int, leading: float):
        nonlocal y, page
        if y - n_lines * leading < bottom:
            footer()
            c.showPage()
            page += 1
            y = h - top

    c.setFont(font, 18)
    for line in _wrap(doc.title, font, 18, w - 2 * margin_x):
        c.drawCentredString(w / 2, y, line)
        y -= 30
    c.setFont(font, 10.5)
    for m in doc.meta:
        c.drawCentredString(w / 2, y, m)
        y -= 18
    y -= 10
    for p in doc.body:
        is_head = bool(CHAPTER_RE.match(p)) and len(p) <= 20
        if is_head:
            need(2, lead)
            y -= 6
            c.setFont(font, 14)
            c.drawCentredString(w / 2, y, p)
            y -= lead + 4
            continue
        c.setFont(font, body_size)
        for k, line in enumerate(_wrap("\u3000\u3000" + p, font, body_size, w - 2 * margin_x)):
            need(1, lead)
            c.setFont(font, body_size)
            # draw without the ideographic indent spaces so the text layer holds only the text
            if k == 0:
                c.drawString(margin_x + 2 * body_size, y, line.lstrip("\u3000"))
            else:
                c.drawString(margin_x, y, line)
            y -= lead
    footer()
    c.save()
    return doc.plain()


WRITERS = {"txt": write_txt, "md": write_md, "html-scraped": write_html_scraped,
           "html-gbk": write_html_gbk, "docx": write_docx, "pdf": write_pdf}


def write_records(dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", encoding="utf-8", newline="\n") as f:
        for r in NEWS_RECORDS:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_readme(dest: Path) -> None:
    rows = []
    for s in SPECS:
        fmt = {"txt": "plain text", "md": "Markdown", "html-scraped": "HTML (scraped page)",
               "html-gbk": "HTML", "docx": "Word .docx", "pdf": "PDF"}[s.fmt]
        rows.append(f"| `{s.out}` | {fmt} | {s.label_enc} | {s.doc_type} | {s.covers} |")
    rows.append("| `records/news.jsonl` | JSON Lines (id, title, date, text) | UTF-8 | 新闻记录 3 news records "
                "| news-001 actors+value, news-002 finance resources, news-003 near-negative (festival) |")
    text = f"""# 样例语料 Sample corpus

全部为**虚构**文本（江川市、临海市、青禾县及其中的机关、企业、院校均为虚构），由
`scripts/build_sample_corpus.py` 从 `corpus/sample_src/`（UTF-8 源文本）生成，请勿手工修改本目录。
All texts are **fictional** (cities, bodies, companies, colleges are invented), written for this
project. Generated by `scripts/build_sample_corpus.py` from the UTF-8 sources in `corpus/sample_src/`;
do not edit by hand. The mixed formats and encodings are deliberate: they exercise ingestion
(encoding detection, Big5/traditional, BOMs, HTML boilerplate and duplicated blocks, docx, PDF text layer).

Dimensions: 场域 field · 主体 actors · 资源 resources · 价值 value; actors 官产学研服
(government, enterprise, school, research, service). See `/work/shared/FRAMEWORK.md`.

| 文件 file | 格式 format | 编码 encoding | 文档类型 document type | 覆盖内容 what it covers |
|---|---|---|---|---|
{chr(10).join(rows)}

Notes: the scraped HTML contains `当前位置：首页 > 政策文件 >`, `点击：123`, a nav menu, `<script>`/`<style>`,
a footer, and the article block twice. The PDF uses reportlab's built-in `STSong-Light` CID font (not
embedded); its footer carries page numbers `- n -`. The Big5 file is the OpenCC `s2t` conversion
(with `爲` etc. mapped to the Big5 form `為`).
"""
    dest.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- verification

def _cjk(s: str) -> str:
    return "".join(CJK_RE.findall(s))


def _html_text(raw: str) -> str:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(raw, "lxml")
    for t in soup(["script", "style"]):
        t.decompose()
    return soup.get_text("\n")


def verify(out: Path, src: Path) -> bool:
    ok_all = True

    def report(name: str, ok: bool, detail: str) -> None:
        nonlocal ok_all
        ok_all &= ok
        print(f"[{'OK ' if ok else 'FAIL'}] {name}: {detail}")

    try:
        from charset_normalizer import from_bytes
    except ImportError:  # informative only
        from_bytes = None

    for s in SPECS:
        doc = parse(src / s.src)
        p = out / s.out
        expected = doc.plain()
        if s.traditional:
            expected = to_traditional(expected)
        raw = p.read_bytes()
        guess = ""
        if from_bytes is not None and s.fmt in ("txt", "md", "html-scraped", "html-gbk"):
            best = from_bytes(raw).best()
            guess = f"; charset_normalizer guesses {best.encoding if best else None}"
        if s.fmt == "txt":
            text = raw.decode(s.encoding)
            bom = {"utf-8-sig": raw.startswith(b"\xef\xbb\xbf"),
                   "utf-16": raw[:2] in (b"\xff\xfe", b"\xfe\xff")}.get(s.encoding, True)
            same = text.replace("\r\n", "\n") == expected
            report(s.out, same and bom, f"decoded as {s.encoding}, {len(_cjk(text))} CJK chars, "
                   f"round-trip {'identical' if same else 'DIFFERS'}"
                   f"{', BOM present' if s.encoding in ('utf-8-sig', 'utf-16') and bom else ''}"
                   f"{', CRLF' if chr(13) in text else ''}{guess}")
        elif s.fmt == "md":
            text = raw.decode(s.encoding)
            same = _cjk(text) == _cjk(expected)
            report(s.out, same, f"decoded as utf-8, CJK sequence {'identical' if same else 'DIFFERS'}{guess}")
        elif s.fmt in ("html-scraped", "html-gbk"):
            text = raw.decode(s.encoding)
            declared = re.search(r'<meta charset="([^"]+)"', text).group(1)
            vis = _html_text(text)
            n_title = vis.count(doc.title)
            body_ok = all(para in vis for para in doc.body)
            extra = ""
            if s.fmt == "html-scraped":
                extra = (f", article block x{vis.count(doc.body[0])}, "
                         f"crumb {'present' if '当前位置：首页 > 政策文件 >' in text else 'MISSING'}, "
                         f"点击：123 {'present' if '点击：' in vis else 'MISSING'}")
            report(s.out, body_ok and n_title >= 1,
                   f"decoded as {s.encoding} (declared {declared}), all {len(doc.body)} body paragraphs "
                   f"{'found' if body_ok else 'NOT found'}{extra}{guess}")
        elif s.fmt == "docx":
            import docx
            d = docx.Document(str(p))
            paras = [x for x in d.paragraphs if x.text.strip()]
            first = paras[0]
            text = "\n".join(x.text for x in paras)
            same = _cjk(text) == _cjk(expected)
            heads = sum(1 for x in paras if x.style.name.startswith("Heading"))
            report(s.out, same and first.text == doc.title and first.style.name.startswith("Heading"),
                   f"python-docx: {len(paras)} paragraphs, first = '{first.text[:16]}…' style {first.style.name}, "
                   f"{heads} headings, CJK sequence {'identical' if same else 'DIFFERS'}")
        elif s.fmt == "pdf":
            import pypdf
            r = pypdf.PdfReader(str(p))
            pages = [r.pages[i].extract_text() or "" for i in range(len(r.pages))]
            text = "\n".join(pages)
            got, want = _cjk(text), _cjk(expected)
            import difflib
            ratio = difflib.SequenceMatcher(None, got, want, autojunk=False).ratio()
            has_title = doc.title in text.replace("\n", "")
            report(s.out, got == want,
                   f"pypdf: {len(pages)} pages, {len(got)}/{len(want)} CJK chars extracted, "
                   f"CJK sequence {'identical' if got == want else f'similarity {ratio:.3f}'}, "
                   f"title {'found' if has_title else 'NOT found'}; page 1 starts: {pages[0][:30]!r}")
    recs = [json.loads(line) for line in (out / "records/news.jsonl").read_text(encoding="utf-8").splitlines()]
    fields_ok = all(set(r) == {"id", "title", "date", "text"} for r in recs)
    report("records/news.jsonl", len(recs) == 3 and fields_ok, f"{len(recs)} records, fields id/title/date/text")
    return ok_all


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=Path, default=ROOT / "corpus/sample_src")
    ap.add_argument("--out", type=Path, default=ROOT / "corpus/sample")
    ap.add_argument("--no-verify", action="store_true")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    managed = {s.out for s in SPECS} | {"records"}
    for s in SPECS:
        doc = parse(args.src / s.src)
        WRITERS[s.fmt](doc, s, args.out / s.out)
    write_records(args.out / "records/news.jsonl")
    write_readme(args.out.parent / "SAMPLE.md")
    stray = sorted(p.name for p in args.out.iterdir() if p.name not in managed)
    if stray:
        print("warning: files in output dir not produced by this script:", stray, file=sys.stderr)
    print(f"wrote {len(SPECS)} documents + records/news.jsonl + SAMPLE.md to {args.out}")
    if not args.no_verify:
        sys.exit(0 if verify(args.out, args.src) else 1)


if __name__ == "__main__":
    main()
