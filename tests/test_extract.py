import pytest

from pipeline import read, read_text
from pipeline.extract import extract_mentions, extract_terms, find_mentions, find_terms, kwic

# fmt: off
MENTIONS = [
    ("政府统筹、企业牵引、学校主体", [("政府", "government", "统筹"), ("企业", "enterprise", "牵引"), ("学校", "school", "主体")]),
    ("深圳市人民政府支持江川职业技术学院", [("深圳市人民政府", "government", "支持"), ("江川职业技术学院", "school", "")]),
    ("上海市人事局负责本条例的实施", [("上海市人事局", "government", "负责")]),
    ("国务院教育行政部门主管全国职业教育工作", [("国务院教育行政部门", "government", "")]),
    ("江川恒锐智能装备有限公司与临海市汽车零部件商会签约", [("江川恒锐智能装备有限公司", "enterprise", ""), ("临海市汽车零部件商会", "service", "")]),
    ("高校毕业生和企业职工参加培训", []),
    ("学校的教师参加企业实践", [("企业", "enterprise", "")]),
    ("形成新发展格局", []),
    # qualifiers and lists of levels belong to the name; a preposition does not
    ("国务院教育行政部门会同国务院其他有关部门制定标准", [("国务院教育行政部门", "government", ""), ("国务院其他有关部门", "government", "")]),
    ("报省、自治区、直辖市人民政府教育行政部门核准", [("省、自治区、直辖市人民政府教育行政部门", "government", "")]),
    ("应当向市人事局提出申请", [("市人事局", "government", "")]),
    ("支持新型研究开发机构发展", [("新型研究开发机构", "research", "")]),
    # a match that cuts across words, a suffix ending a common word, the speaker's own body
    ("提高职业教育质量", []),
    ("统筹规划研究开发机构布局", [("研究开发机构", "research", "")]),
    ("对本学校的教学工作负责", []),
    ("我们决心同日本政府和人民共同努力", [("日本政府", "government", "")]),
    # every item of a list before a person noun names people
    ("职业院校和职业培训机构的教师应当具备相应素质", []),
    # a department named by a noun glued to its head, or by a verb after a level; not by a bare verb
    ("应当向民政部门申请登记", [("民政部门", "government", "")]),
    ("市统计部门负责调查", [("市统计部门", "government", "负责")]),
    ("加强部门协作", []),
    ("县加强部门配合", []),  # a verb between a level and the head names no department
    ("政府设立委员会", [("政府", "government", "")]),
    ("建立跨部门的政策信息互联网发布平台", []),  # 跨部门 is an adjective of scope
    ("民政、财政、文广新闻出版、体育、市场监管、统计等部门", [("民政、财政、文广新闻出版、体育、市场监管、统计等部门", "government", "")]),
    # two departments listed are two mentions; a list of common nouns shares its head
    ("由省计划行政管理部门、省科技行政管理部门审查", [("省计划行政管理部门", "government", ""), ("省科技行政管理部门", "government", "")]),
    ("市科技、财政、审计等部门", [("市科技、财政、审计等部门", "government", "")]),
    # codebook: village committees are mass self-governing organisations (service); training
    # institutions are schools; a kind of schooling is no school
    ("村民委员会应当组织村民", [("村民委员会", "service", "组织")]),
    ("非营利性职业技能培训机构", [("非营利性职业技能培训机构", "school", "")]),
    ("本市职业学校教育", []),
    # with 的, a short modifier may stand before the person noun (codebook: phrases naming people)
    ("受聘于外资企业的管理技术人员", []),
    ("支持学校的发展和企业的技术改造", [("学校", "school", ""), ("企业", "enterprise", "")]),
    # legislatures are outside the typology; 无政府主义 names no government
    ("全国人民代表大会常务委员会", []),
    ("反对无政府主义", []),
    ("组建国家、省、市、县监察委员会", []),  # supervisory commissions are not the administration
    # without 的, a short noun modifier may stand before the person noun; a verb may not
    ("职业学校专业课教师队伍实行专职与兼职相结合", []),
    ("企业技术人员和管理人员", []),
    ("学校聘任教师", [("学校", "school", "")]),
    ("高等学校、科研机构奖励科研人员", [("高等学校", "school", ""), ("科研机构", "research", "")]),
    # list-only words: bare 中央/地方/机关/部门 are a government only as items of a list of actors
    ("资金来源由国家、地方、企业、事业单位以及其他组织提供", [("地方", "government", ""), ("企业", "enterprise", "")]),
    ("中央、地方、基层的情况不同", [("中央", "government", ""), ("地方", "government", "")]),
    ("把企业、农村、机关、学校建设成为坚强战斗堡垒", [("企业", "enterprise", ""), ("机关", "government", ""), ("学校", "school", "")]),
    ("国家支持有条件的地方建设科技创新中心", []),
    ("制定地方性法规", []),
    ("纠正部门和行业不正之风", []),
    # …and only where the item ends there: not a modifier of the next word, not the category after 等
    ("鼓励部属高校与地方高等学校开展合作", [("高校", "school", ""), ("高等学校", "school", "")]),
    ("国务院各部门和地方各级政府都要", [("国务院各部门", "government", ""), ("各级政府", "government", "")]),
    ("按中央预算和地方预算的区别来划分", [("中央预算", "government", "")]),
    ("禁止在学校、幼儿园等地方吸烟", [("学校", "school", ""), ("幼儿园", "school", "")]),
    ("中央部门和地方都要", [("中央部门", "government", ""), ("地方", "government", "")]),
    ("符合企业和机关各自特点", [("企业", "enterprise", ""), ("机关", "government", "")]),
    ("不得利用国家财政性经费", []),  # a kind of money, not the treasury acting
    # a person noun used as a verb (代表了) or inside another word (代表性, 学生会) names no people
    ("该企业产品代表了国内最高水平", [("企业", "enterprise", "")]),
    ("龙头企业行业代表性强", [("龙头企业", "enterprise", "")]),
    ("高校研究生学生会", [("高校", "school", "")]),
    # a financial company is a service body (codebook: financial institutions), not an enterprise
    ("鼓励银行和小额贷款公司开展质押贷款", [("银行", "service", ""), ("小额贷款公司", "service", "")]),
    # the treasury of a named level acting is government (codebook: 中央财政); its money is not
    ("由市财政给予一次性奖励", [("市财政", "government", "")]),
    ("市财政资金用于实训基地建设", []),
    ("完善公共财政体系", []),
    # a body whose first word the segmenter glued to the one before (第三方评价|机构, 受市|教育局)
    ("第三方评价机构受市教育局委托开展评价", [("第三方评价机构", "service", ""), ("市教育局", "government", "")]),
    ("接受生态环境部门监督检查", [("生态环境部门", "government", "监督")]),  # 生态环境 is tagged l
    ("围绕三大主导产业布局专业群", []),  # 局 of 产业布局 is no bureau
    # a college speaking of itself; its staff are people, not the firm
    ("学院聘请企业技术骨干担任兼职教师", [("学院", "school", "")]),
    ("理事长由临海市人民政府分管副市长担任", []),
    ("各区县、各部门要切实履行主体责任", [("区县", "government", ""), ("各部门", "government", "")]),
    ("链长办设在市工业和信息化局", [("链长办", "government", ""), ("市工业和信息化局", "government", "")]),
    ("各地各校要高度重视", [("各校", "school", "")]),
    # departments by short names the segmenter would split (市人|社局, 市大|数据|局)
    ("市人社局负责技工院校现代学徒制试点", [("市人社局", "government", "负责"), ("技工院校", "school", "")]),
    ("市工信局、市大数据局牵头", [("市工信局", "government", ""), ("市大数据局", "government", "牵头")]),
    ("自然资源和规划局要优化工业用地", [("自然资源和规划局", "government", "")]),
    ("构建职业教育发展新格局", []),  # the dictionary tags 新格局 nt; 局 is still no bureau
    ("省总工会、团省委、省妇联要广泛开展", [("省总工会", "service", ""), ("团省委", "service", ""), ("省妇联", "service", "")]),
    ("近日，省教育厅副厅长一行到学院调研", [("学院", "school", "")]),  # a post, not the department
    ("按照国家职业标准组织考核", []),  # 标准 + the verb 组织, not a standards body
    ("先后召开民营企业家座谈会", []),
    # a match the segmenter cut (500|家中|小微|企业…) keeps the entry that starts at a boundary
    ("带动不少于500家中小微企业深度参与人才培养", [("小微企业", "enterprise", "")]),
    # party committees and their departments are outside the typology (every gold round)
    ("会同省委组织部、省委宣传部、省发展改革委", [("省发展改革委", "government", "")]),
    # bodies named for their officials at a meeting are no mentions
    ("市人社局、市教育局、团市委主要负责同志参加会议", []),
    ("推进中高职贯通培养", []),  # levels of schooling, not schools
    ("县就业服务中心、乡镇劳动保障所要建立就业信息台账", [("县就业服务中心", "service", "")]),
    ("鼓励茶企与农户建立订单关系", [("茶企", "enterprise", "")]),  # short forms by industry
    ("鼓励国内外企业到本省从事研究开发", [("企业", "enterprise", "")]),  # not 外企 of 国内外
    ("全面推行现代学徒制和企业新型学徒制", []),  # a scheme, not the firm
    ("邀请县职教中心老师和龙头企业技术员担任田间导师", []),  # people
    ("永安五金制品厂被评为市级龙头企业", [("永安五金制品厂", "enterprise", ""), ("龙头企业", "enterprise", "")]),
    # finance firms are third-party services, not enterprises of the cluster (gold round 14)
    ("鼓励融资租赁公司为中小企业提供设备融资", [("融资租赁公司", "service", ""), ("中小企业", "enterprise", "提供")]),
    ("政府性融资担保机构要降低担保费率", [("政府性融资担保机构", "service", "")]),
    ("审计机关应当加强监督", [("审计机关", "government", "")]),
    ("新型研发机构实行企业化管理", [("新型研发机构", "research", "")]),  # run like a firm
    ("合同须经学校法律顾问审查", []),  # a person
    # a match the segmenter cuts (汽|车企|业) gives way to the word at the cut (gold round 15)
    ("推动汽车企业转型升级", [("企业", "enterprise", "")]),
    # an exclusion inside one of the dictionary's longer words is void (企业主 of 企业主体)
    ("发挥企业主体作用", [("企业", "enterprise", "主体")]),
    ("由企业主导成果产业化", [("企业", "enterprise", "主导")]),
    ("个体户、私营企业主、中介机构", [("中介机构", "service", "")]),  # the owner stays excluded
    ("江城金融租赁有限公司为园区提供设备融资", [("江城金融租赁有限公司", "service", "")]),
    ("各级财政应当统筹安排资金", [("各级财政", "government", "统筹")]),
    ("由省开放大学建立学分银行", [("省开放大学", "school", "")]),  # a register, not a bank
    # round 16: short forms of county bodies, an event named after the schools, a guest professor
    ("县农科所与县卫健委、县农商行共建示范基地", [("县农科所", "research", ""), ("县卫健委", "government", ""),
                                     ("县农商行", "service", "共建")]),
    ("全省职业院校技能大赛高职组赛项日前落幕", []),
    ("学院客座教授在开班仪式上致辞", []),
    # every named form issue 3 lists, the consortium's council included (service: a platform body)
    ("云州市人民政府、江南省教育厅、云州职业技术学院、云州恒通精密机械有限公司、华晟集团、云州先进技术研究院、"
     "云州市机器人行业协会和云州市智能制造市域产教联合体理事会共同签署协议",
     [("云州市人民政府", "government", ""), ("江南省教育厅", "government", ""), ("云州职业技术学院", "school", ""),
      ("云州恒通精密机械有限公司", "enterprise", ""), ("华晟集团", "enterprise", ""), ("云州先进技术研究院", "research", ""),
      ("云州市机器人行业协会", "service", ""), ("云州市智能制造市域产教联合体理事会", "service", "")]),
]
COMPOUNDS = [
    ("推进校企合作", {"school", "enterprise"}),
    ("深化产学研结合", {"enterprise", "school", "research"}),
    ("构建官产学研服联合形态", {"government", "enterprise", "school", "research", "service"}),
    ("政行校企协同", {"government", "service", "school", "enterprise"}),
    ("呈现为“官、产、学、研、服”的联合形态", {"government", "enterprise", "school", "research", "service"}),
    ("推动政、行、校、企四方协同", {"government", "service", "school", "enterprise"}),
    ("推动高校院所科技成果转化", {"school", "research"}),
    ("推动政银担三方合作", {"government", "service"}),
    ("签署县校合作框架协议", {"government", "school"}),
]
# fmt: on


@pytest.mark.parametrize("text,expected", MENTIONS)
def test_extract_mentions_names_types_roles(text, expected):
    found = find_mentions(text)
    assert [(m.text, m.type, m.role) for m in found] == expected
    assert all(text[m.start:m.end] == m.text for m in found)


@pytest.mark.parametrize("text,types", COMPOUNDS)
def test_extract_compounds_carry_several_types(text, types):
    found = find_mentions(text)
    assert {m.type for m in found} == types
    assert len({(m.start, m.end) for m in found}) == 1


def test_extract_nested_terms_longest_match_wins(codebook_small):
    hits = find_terms("推进新型城镇化和城镇化", framework=str(codebook_small))
    assert [(h.term, h.start) for h in hits] == [("新型城镇化", 2), ("城镇化", 8)]


def test_extract_exclusions_suppress_terms(codebook_small):
    assert [h.term for h in find_terms("财政资金往来", framework=str(codebook_small))] == ["财政"]
    assert "value" not in {h.dimension for h in find_terms("培育和践行社会主义核心价值观")}


def test_extract_term_hits_per_dimension_with_offsets(texts_zh):
    for text in texts_zh:
        for h in find_terms(text):
            assert text[h.start:h.end] == h.term and h.weight > 0
    dims = [sorted({h.dimension for h in find_terms(t)}) for t in texts_zh]
    assert "field" in dims[0] and "actors" in dims[1] and "resources" in dims[2] and "value" in dims[3]
    assert dims[5] == []


def test_extract_stage_offsets_into_document(document_zh):
    doc, hits = next(extract_terms([document_zh]))
    assert hits and all(doc.text[h.start:h.end] == h.term for _, _, h in hits)
    doc, mentions = next(extract_mentions([document_zh]))
    assert mentions and all(doc.text[m.start:m.end] == m.text for m in mentions)
    assert {m.type for m in mentions} == {"government", "enterprise", "school", "research", "service"}


def test_extract_kwic():
    assert kwic("一二三四五六七八九", 4, 6, width=2) == ("三四", "五六", "七八")


def test_extract_seed_section_two_has_all_five_actor_types(seed_path):
    doc = read(seed_path)
    body = next(p for p in doc.paragraphs if p.section == ("二、主体吻合",) and not p.is_heading)
    found = find_mentions(body.text)
    assert {m.type for m in found} == {"government", "enterprise", "school", "research", "service"}
    # the essay enumerates the five as “官、产、学、研、服”: one mention per type, same span
    decoded = [m for m in found if m.text == "官、产、学、研、服"]
    assert {m.type for m in decoded} == {"government", "enterprise", "school", "research", "service"}
    assert len({(m.start, m.end) for m in decoded}) == 1


def test_extract_empty_text():
    assert find_terms("") == [] and find_mentions("") == []
    assert next(extract_mentions([read_text("")]))[1] == []


def test_extract_large_frameworks_use_the_default_automaton(monkeypatch):
    # a DFA's memory grows fast with the patterns: past DFA_MAX_PATTERNS the NFA is used, same matches
    from pipeline import extract
    from pipeline.codebook import load_framework

    fw = load_framework()
    text = "推动市域产教联合体共建共享实训基地，政府统筹、企业牵引、学校主体，深圳市人民政府支持江川职业技术学院"
    with_engine = extract.TermMatcher(fw).find(text), extract.ActorMatcher(fw).find(text)
    monkeypatch.setattr(extract, "_cengine", None)  # the automata serve when the C engine is not built
    dfa_terms, dfa_actors = extract.TermMatcher(fw).find(text), extract.ActorMatcher(fw).find(text)
    assert (dfa_terms, dfa_actors) == with_engine
    monkeypatch.setattr(extract, "DFA_MAX_PATTERNS", 10)
    assert extract.TermMatcher(fw).find(text) == dfa_terms
    assert extract.ActorMatcher(fw).find(text) == dfa_actors
