import pytest

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError


def test_load_config_shared_keys_and_sections(tmp_path):
    p = tmp_path / "study.yaml"
    p.write_text("framework: my.yaml\nchunk-size: 4\nrun:\n  workers: 2\n  formats: [parquet, csv]\n"
                 "framework check:\n  corpus: [a, b]\n", encoding="utf-8")
    cfg = load_config(p)
    assert dict(cfg.shared) == {"framework": "my.yaml", "chunk_size": 4}
    assert dict(cfg.sections["run"]) == {"workers": 2, "formats": ["parquet", "csv"]}
    assert dict(cfg.sections["framework check"]) == {"corpus": ["a", "b"]}


def test_defaults_for_a_command_section_wins_over_shared_keys():
    cfg = Config("s.yaml", {"top": 5, "framework": "f.yaml"}, {"keywords": {"top": 30}})
    assert cfg.defaults_for("keywords", {"top", "framework", "kwic"}) == {"top": 30, "framework": "f.yaml"}
    # a shared key a command does not have is left out for it
    assert cfg.defaults_for("ingest", {"text_field"}) == {}


def test_defaults_for_names_the_file_and_the_unknown_option():
    cfg = Config("s.yaml", {}, {"run": {"wokers": 2}})
    with pytest.raises(ConfigError, match=r"s\.yaml: section 'run' has unknown option\(s\) wokers; valid: .*workers"):
        cfg.defaults_for("run", {"workers", "chunk_size"})


@pytest.mark.parametrize(("text", "message"), [
    ("- a\n- b\n", "a mapping of option names to values, not list"),
    ("run: [\n", "not a valid YAML settings file"),
    ("run:\n  workers:\n    n: 2\n", "option 'workers' in section 'run' has a mapping as value"),
    ("top: 2024-01-01\n", "option 'top' has a value of type date"),
    ("1: x\n", "option names are words"),
])
def test_load_config_rejects_bad_files_naming_them(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml") as err:
        load_config(p)
    assert message in str(err.value)


def test_load_config_empty_file_and_missing_file(tmp_path):
    p = tmp_path / "empty.yaml"
    p.write_text("# nothing yet\n", encoding="utf-8")
    assert load_config(p) == Config(str(p), {}, {})
    with pytest.raises(ConfigError, match="missing.yaml: cannot read settings file"):
        load_config(tmp_path / "missing.yaml")
