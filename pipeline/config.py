"""Settings files: the options of a study in one YAML file, so a run can be repeated exactly.

A settings file gives option values by their command-line names. Top-level keys apply to every
command that has the option; a section named after a command applies to that command only
(``framework check`` is written ``framework check:``). An option given on the command line
wins over the file::

    # chanjiao.yaml
    framework: my_framework.yaml      # every command with --framework
    segmenter: rjieba
    run:
      workers: 2
      formats: [parquet, csv]
    keywords:
      top: 30
      kwic: 10

Use it as ``chanjiao --config chanjiao.yaml run corpus -o out`` (or set ``CHANJIAO_CONFIG``).
Which names each command accepts is the CLI's business: :func:`load_config` checks the file's
shape and :meth:`Config.defaults_for` resolves the values for one command.

Example:
    >>> cfg = Config(path="s.yaml", shared={"framework": "f.yaml"}, sections={"run": {"workers": 2}})
    >>> cfg.defaults_for("run", {"framework", "workers", "segmenter"})
    {'framework': 'f.yaml', 'workers': 2}
"""
from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigError

#: environment variable naming a settings file (``--config`` wins over it)
CONFIG_ENV = "CHANJIAO_CONFIG"


@dataclass(frozen=True)
class Config:
    """A settings file: shared option values and per-command sections (option name → value)."""

    path: str
    shared: Mapping[str, Any] = field(default_factory=dict)
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def defaults_for(self, command: str, options: Collection[str]) -> dict[str, Any]:
        """Values for ``command``, whose option names are ``options``: shared keys it has, then its section.

        Raises:
            ConfigError: the command's section names an option the command does not have.
        """
        values = {k: v for k, v in self.shared.items() if k in options}
        section = self.sections.get(command, {})
        unknown = sorted(set(section) - set(options))
        if unknown:
            raise ConfigError(f"{self.path}: section {command!r} has unknown option(s) {', '.join(unknown)}; "
                              f"valid: {', '.join(sorted(o.replace('_', '-') for o in options))}")
        values.update(section)
        return values


def load_config(path: str | os.PathLike) -> Config:
    """Read and check a settings file.

    Keys are option names as on the command line, without dashes (``chunk-size`` or
    ``chunk_size``); a mapping value is a command's section. Lists are kept as lists.

    Raises:
        ConfigError: the file is missing, is not YAML, or is not a mapping of names to values.
    """
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read settings file: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not a valid YAML settings file: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: a settings file is a mapping of option names to values, not {type(data).__name__}")
    shared: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            section = {}
            for k, v in value.items():
                if isinstance(v, dict):
                    raise ConfigError(f"{p}: option {k!r} in section {key!r} has a mapping as value")
                section[_option_name(p, k)] = _value(p, k, v)
            sections[" ".join(str(key).split())] = MappingProxyType(section)
        else:
            shared[_option_name(p, key)] = _value(p, key, value)
    return Config(str(p), MappingProxyType(shared), MappingProxyType(sections))


def _option_name(path: Path, key) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ConfigError(f"{path}: option names are words, not {key!r}")
    return key.strip().lstrip("-").replace("-", "_")


def _value(path: Path, key, value):
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, (str, int, float, bool)) for v in value):
            raise ConfigError(f"{path}: option {key!r} holds a list of something other than plain values")
        return list(value)
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise ConfigError(f"{path}: option {key!r} has a value of type {type(value).__name__}")
    return value
