import copy

import pytest
import yaml

from pipeline.codebook import bundled_framework_path, load_framework, parse_framework
from pipeline.errors import FrameworkError


def test_codebook_default_has_four_dimensions_and_five_actor_types():
    fw = load_framework()
    assert fw.dimension_ids == ("field", "actors", "resources", "value")
    assert fw.actor_type_ids == ("government", "enterprise", "school", "research", "service")
    assert [fw.label(d) for d in fw.dimension_ids] == ["场域", "主体", "资源", "价值"]
    # hundreds of terms, not a dozen
    assert all(len(d.terms) >= 80 for d in fw.dimensions)
    assert len(fw.sha256) == 64


def test_codebook_policy_instruments_is_another_scheme():
    fw = load_framework("policy_instruments")
    assert fw.dimension_ids == ("supply", "environment", "demand")
    assert fw.sha256 != load_framework().sha256


def test_codebook_small_file(codebook_small):
    fw = load_framework(codebook_small)
    assert fw.dimension_ids == ("place", "money")
    assert fw.dimension("place").terms[2].weight == 2.0
    assert "人民政府" in fw.all_terms()


def test_codebook_list_only_words_stay_out_of_the_segmenter_dictionary():
    fw = load_framework()
    government = next(t for t in fw.actor_types if t.id == "government")
    assert {"中央", "地方"} <= set(government.list_only)
    # common words: forcing them whole would change how 地方性法规 and the like are cut
    assert "地方" not in fw.all_terms() and "中央" not in fw.all_terms()


def _data():
    return yaml.safe_load(bundled_framework_path().read_text(encoding="utf-8"))


# fmt: off
BROKEN = [
    (lambda d: d.update(colour="blue"), "unknown key"),
    (lambda d: d["dimensions"][0]["categories"][0].update(terms=[]), "terms must be a non-empty list"),
    (lambda d: d["dimensions"][1].update(id="field"), "duplicate dimension id"),
    (lambda d: d["dimensions"][0]["categories"][0]["terms"].append(""), "empty or non-string term"),
    (lambda d: d.update(schema="other/1"), "schema must be"),
    (lambda d: d["dimensions"][3]["categories"][0]["terms"].append("县域"), "declare overlaps"),
    (lambda d: d["actors"]["compounds"].update({"某某": ["nobody"]}), "unknown or empty type ids"),
    (lambda d: d["actors"]["types"][0].update(list_only="中央"), "list_only must be a list of strings"),
]
# fmt: on


@pytest.mark.parametrize("breaker,message", BROKEN)
def test_codebook_validation_errors_name_the_problem(breaker, message):
    data = copy.deepcopy(_data())
    breaker(data)
    with pytest.raises(FrameworkError, match=message):
        parse_framework(data, source="x.yaml")


def test_codebook_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(FrameworkError, match="not found"):
        load_framework(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("dimensions: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkError, match="bad.yaml"):
        load_framework(bad)
