"""The framework (codebook) as data: load, validate, hash.

A framework file is YAML (schema ``chanjiao-framework/1``): dimensions → categories → weighted
terms, with exclusion phrases, and an optional actor typology (types with terms, aliases, name
suffixes, exclusions; compounds such as 校企; role words). Nothing in the code names the four
dimensions or the five actor types: every stage reads them from a :class:`Framework`.

Example:
    >>> fw = load_framework()                     # the bundled four-dimension framework
    >>> fw.dimension_ids
    ('field', 'actors', 'resources', 'value')
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import FrameworkError

SCHEMA = "chanjiao-framework/1"
DEFAULT_FRAMEWORK = "four_dimensions"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SCHEME_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_ENUMERATION = re.compile(r"[、，,·/]")

_TOP_KEYS = {"schema", "id", "name", "name_en", "description", "nested", "dimensions", "actors"}
_DIM_KEYS = {"id", "name", "name_en", "definition", "weight", "categories", "exclude", "overlaps"}
_CAT_KEYS = {"id", "name", "name_en", "terms", "weight"}
_ACTORS_KEYS = {"types", "compounds", "roles", "person_nouns"}
_TYPE_KEYS = {"id", "name", "name_long", "name_en", "terms", "aliases", "suffixes", "list_only", "exclude"}


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    category: str


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    name_en: str
    definition: str
    terms: tuple[Term, ...]
    categories: tuple[tuple[str, str], ...]  # (id, name)
    exclude: tuple[str, ...] = ()
    overlaps: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorType:
    id: str
    name: str
    name_long: str
    terms: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    suffixes: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: bare words that name this type only as an item of a list of actors (中央、地方、企业)
    list_only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    """A validated framework.

    Attributes:
        id: short id of the scheme.
        dimensions: the dimensions, in file order.
        actor_types: the actor typology (may be empty).
        compounds: abbreviation → actor type ids it carries (校企 → school, enterprise).
        roles: role words (统筹, 牵头 …).
        person_nouns: nouns that turn a preceding actor word into a name of people (毕业生, 教师).
        sha256: hash of the file's canonical content; stamped on every output and model.
        path: where it was read from.
    """

    id: str
    name: str
    name_en: str
    description: str
    nested: str
    dimensions: tuple[Dimension, ...]
    actor_types: tuple[ActorType, ...] = ()
    compounds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    roles: tuple[str, ...] = ()
    person_nouns: tuple[str, ...] = ()
    sha256: str = ""
    path: str = field(default="", compare=False)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @property
    def actor_type_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actor_types)

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)

    def label(self, some_id: str) -> str:
        """Chinese display name of a dimension or actor type id (the id itself if unknown)."""
        for d in self.dimensions:
            if d.id == some_id:
                return d.name
        for a in self.actor_types:
            if a.id == some_id:
                return a.name_long or a.name
        return some_id

    def all_terms(self) -> list[str]:
        """Every phrase of the framework that should be one token in segmentation."""
        words: list[str] = []
        for d in self.dimensions:
            words += [t.text for t in d.terms]
        for a in self.actor_types:
            words += list(a.terms) + [s for s, _ in a.aliases] + list(a.suffixes)
        # (an enumerated compound, 官、产、学、研、服, is matched on characters: it can never be one token)
        words += [c for c, _ in self.compounds if not _ENUMERATION.search(c)]
        return list(dict.fromkeys(words))


def bundled_framework_path(name: str = DEFAULT_FRAMEWORK) -> Path:
    """Path of a framework file shipped with the package (``four_dimensions``, ``policy_instruments``)."""
    return Path(str(resources.files("pipeline") / "resources" / "frameworks" / f"{name}.yaml"))


def load_framework(path: str | Path | None = None) -> Framework:
    """Read and validate a framework file.

    Args:
        path: a YAML file, the name of a bundled framework (``policy_instruments``), or None for
            the default four-dimension framework.

    Returns:
        The validated :class:`Framework`. Cached per resolved path and modification time.

    Raises:
        FrameworkError: the file is missing, not YAML, or breaks the schema; the message names
            the file and the offending key.
    """
    if path is None:
        resolved = _default_framework_path()  # the stages ask for it per batch: one stat, no resolving
    else:
        p = Path(path)
        if not p.exists() and not p.suffix and bundled_framework_path(str(path)).exists():
            p = bundled_framework_path(str(path))
        if not p.exists():
            raise FrameworkError(f"{p}: framework file not found")
        resolved = str(p.resolve())
    try:
        mtime_ns = os.stat(resolved).st_mtime_ns
    except OSError:
        raise FrameworkError(f"{resolved}: framework file not found") from None
    return _load_framework_cached(resolved, mtime_ns)


@lru_cache(maxsize=1)
def _default_framework_path() -> str:
    return str(bundled_framework_path().resolve())


@lru_cache(maxsize=16)
def _load_framework_cached(path: str, mtime_ns: int) -> Framework:
    raw = Path(path).read_bytes()
    try:
        # libyaml's safe loader when PyYAML was built with it: same result, ten times faster
        data = yaml.load(raw.decode("utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path}: not a valid UTF-8 YAML file ({exc.__class__.__name__}: {exc})") from None
    return parse_framework(data, source=path, sha256=hashlib.sha256(raw).hexdigest())


def parse_framework(data: object, *, source: str = "<framework>", sha256: str = "") -> Framework:
    """Validate a framework given as a parsed mapping (see :func:`load_framework`)."""
    err = _Errors(source)
    if not isinstance(data, dict):
        raise FrameworkError(f"{source}: top level must be a mapping")
    err.unknown(data, _TOP_KEYS, "top level")
    if data.get("schema") != SCHEMA:
        err.add(f"schema must be {SCHEMA!r}, got {data.get('schema')!r}")
    fid = data.get("id")
    if not isinstance(fid, str) or not _SCHEME_ID.match(fid or ""):
        err.add("id must be a lowercase identifier (letters, digits, _ and -)")
    nested = data.get("nested", "longest")
    if nested not in ("longest", "all"):
        err.add(f"nested must be 'longest' or 'all', got {nested!r}")
    dims_raw = data.get("dimensions")
    if not isinstance(dims_raw, list) or not dims_raw:
        err.add("dimensions must be a non-empty list")
        dims_raw = []
    dimensions = [_parse_dimension(d, i, err) for i, d in enumerate(dims_raw)]
    dimensions = [d for d in dimensions if d is not None]
    err.duplicates([d.id for d in dimensions], "dimension id")
    # Cross-dimension overlaps must be declared on both sides (quanteda-style validation).
    owners: dict[str, list[str]] = {}
    for d in dimensions:
        for t in d.terms:
            owners.setdefault(t.text, []).append(d.id)
    by_id = {d.id: d for d in dimensions}
    for term, ids in owners.items():
        for a in ids:
            for b in ids:
                if a < b and not (b in by_id[a].overlaps and a in by_id[b].overlaps):
                    err.add(f"term {term!r} is in dimensions {a!r} and {b!r}: declare overlaps on both")
    for d in dimensions:
        for o in d.overlaps:
            if o not in by_id:
                err.add(f"dimension {d.id!r}: overlaps names unknown dimension {o!r}")
    actor_types, compounds, roles, person_nouns = _parse_actors(data.get("actors"), err)
    err.raise_if_any()
    return Framework(
        id=fid,
        name=str(data.get("name", fid)),
        name_en=str(data.get("name_en", "")),
        description=str(data.get("description", "") or "").strip(),
        nested=nested,
        dimensions=tuple(dimensions),
        actor_types=tuple(actor_types),
        compounds=tuple(compounds),
        roles=tuple(roles),
        person_nouns=tuple(person_nouns),
        sha256=sha256,
        path=source,
    )


class _Errors:
    def __init__(self, source: str):
        self.source = source
        self.messages: list[str] = []

    def add(self, msg: str) -> None:
        self.messages.append(msg)

    def unknown(self, mapping: dict, allowed: set[str], where: str) -> None:
        extra = sorted(set(mapping) - allowed)
        if extra:
            self.add(f"{where}: unknown key(s) {extra}; allowed: {sorted(allowed)}")

    def duplicates(self, items: list[str], what: str) -> None:
        seen: set[str] = set()
        for x in items:
            if x in seen:
                self.add(f"duplicate {what} {x!r}")
            seen.add(x)

    def raise_if_any(self) -> None:
        if self.messages:
            shown = "; ".join(self.messages[:10])
            more = f" (+{len(self.messages) - 10} more)" if len(self.messages) > 10 else ""
            raise FrameworkError(f"{self.source}: invalid framework: {shown}{more}")


def _clean_str(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _word_list(section: dict, key: str, where: str, err: _Errors) -> tuple[str, ...]:
    """An optional list of words (a lone string would otherwise be read character by character)."""
    raw = section.get(key) or []
    if not isinstance(raw, list):
        err.add(f"{where}: {key} must be a list of strings")
        return ()
    return tuple(x for x in (_clean_str(v) for v in raw) if x)


def _parse_dimension(d: object, i: int, err: _Errors) -> Dimension | None:
    if not isinstance(d, dict):
        err.add(f"dimensions[{i}] must be a mapping")
        return None
    did = d.get("id")
    where = f"dimension {did!r}" if did else f"dimensions[{i}]"
    err.unknown(d, _DIM_KEYS, where)
    if not isinstance(did, str) or not _ID.match(did):
        err.add(f"{where}: id must be a lowercase identifier")
        return None
    for key in ("name", "definition"):
        if not _clean_str(d.get(key)):
            err.add(f"{where}: {key} is required")
    default_w = float(d.get("weight", 1.0))
    cats = d.get("categories")
    if not isinstance(cats, list) or not cats:
        err.add(f"{where}: categories must be a non-empty list")
        cats = []
    terms: list[Term] = []
    cat_ids: list[tuple[str, str]] = []
    for j, c in enumerate(cats):
        if not isinstance(c, dict):
            err.add(f"{where}: categories[{j}] must be a mapping")
            continue
        cid = c.get("id") or f"c{j}"
        err.unknown(c, _CAT_KEYS, f"{where} category {cid!r}")
        cat_ids.append((str(cid), str(c.get("name", cid))))
        cw = float(c.get("weight", default_w))
        raw_terms = c.get("terms")
        if not isinstance(raw_terms, list) or not raw_terms:
            err.add(f"{where} category {cid!r}: terms must be a non-empty list")
            continue
        for t in raw_terms:
            if isinstance(t, dict):
                text, w = _clean_str(t.get("term")), t.get("weight", cw)
            else:
                text, w = _clean_str(t), cw
            if not text:
                err.add(f"{where} category {cid!r}: empty or non-string term {t!r}")
                continue
            try:
                w = float(w)
            except (TypeError, ValueError):
                err.add(f"{where}: term {text!r} has a non-numeric weight {w!r}")
                continue
            terms.append(Term(text, w, str(cid)))
    err.duplicates([t.text for t in terms], f"term in {where}:")
    err.duplicates([c for c, _ in cat_ids], f"category id in {where}:")
    exclude = [x for x in (_clean_str(e) for e in d.get("exclude") or []) if x]
    overlaps = d.get("overlaps") or []
    if not isinstance(overlaps, list):
        err.add(f"{where}: overlaps must be a list of dimension ids")
        overlaps = []
    return Dimension(
        id=did,
        name=str(d.get("name", "")).strip(),
        name_en=str(d.get("name_en", "")).strip(),
        definition=str(d.get("definition", "")).strip(),
        terms=tuple(terms),
        categories=tuple(cat_ids),
        exclude=tuple(exclude),
        overlaps=tuple(str(o) for o in overlaps),
    )


def _parse_actors(section: object, err: _Errors):
    if section is None:
        return [], [], [], []
    if not isinstance(section, dict):
        err.add("actors must be a mapping with types, compounds, roles")
        return [], [], [], []
    err.unknown(section, _ACTORS_KEYS, "actors")
    types: list[ActorType] = []
    for i, t in enumerate(section.get("types") or []):
        if not isinstance(t, dict):
            err.add(f"actors.types[{i}] must be a mapping")
            continue
        tid = t.get("id")
        where = f"actor type {tid!r}"
        err.unknown(t, _TYPE_KEYS, where)
        if not isinstance(tid, str) or not _ID.match(tid):
            err.add(f"actors.types[{i}]: id must be a lowercase identifier")
            continue
        terms = [x for x in (_clean_str(v) for v in t.get("terms") or []) if x]
        if not terms:
            err.add(f"{where}: terms must be a non-empty list of strings")
        err.duplicates(terms, f"term in {where}:")
        aliases = t.get("aliases") or {}
        if not isinstance(aliases, dict):
            err.add(f"{where}: aliases must be a mapping surface → normalised name")
            aliases = {}
        types.append(
            ActorType(
                id=tid,
                name=str(t.get("name", tid)),
                name_long=str(t.get("name_long", "")),
                terms=tuple(terms),
                aliases=tuple((str(k), str(v)) for k, v in aliases.items()),
                suffixes=_word_list(t, "suffixes", where, err),
                exclude=_word_list(t, "exclude", where, err),
                list_only=_word_list(t, "list_only", where, err),
            )
        )
    err.duplicates([t.id for t in types], "actor type id")
    type_ids = {t.id for t in types}
    compounds: list[tuple[str, tuple[str, ...]]] = []
    raw_compounds = section.get("compounds") or {}
    if not isinstance(raw_compounds, dict):
        err.add("actors.compounds must be a mapping abbreviation → list of type ids")
        raw_compounds = {}
    for abbr, ids in raw_compounds.items():
        ids = [ids] if isinstance(ids, str) else list(ids or [])
        bad = [x for x in ids if x not in type_ids]
        if bad or not ids:
            err.add(f"actors.compounds[{abbr!r}]: unknown or empty type ids {bad or ids}")
        compounds.append((str(abbr), tuple(ids)))
    roles = [x for x in (_clean_str(v) for v in section.get("roles") or []) if x]
    person_nouns = [x for x in (_clean_str(v) for v in section.get("person_nouns") or []) if x]
    return types, compounds, roles, person_nouns
