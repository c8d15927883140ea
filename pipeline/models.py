"""Model files: skops serialisation with a trusted-type allow-list, model cards, the default model.

A model directory holds ``model.skops`` and ``model_card.json`` (framework hash, training data
hash, date, library versions, thresholds, metrics). Loading never unpickles arbitrary objects:
skops refuses any type outside the allow-list below.

Example:
    >>> model, card = load_model()              # the bundled default            # doctest: +SKIP
    >>> card["framework"]["id"]                                                    # doctest: +SKIP
    'four-dimensions'
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .errors import ModelError

MODEL_FORMAT = 2  # 2: ridge classifiers with Platt scaling (CalibratedRidge)
MODEL_FILE = "model.skops"
CARD_FILE = "model_card.json"
DEFAULT_MODEL_NAME = "default"

_TRUSTED_PREFIXES = ("pipeline.", "sklearn.", "numpy.", "scipy.", "builtins.", "collections.", "re.")


def default_model_dir() -> Path | None:
    """Where the default model is: $CHANJIAO_MODEL, the repository's ``models/default`` (source
    checkout) or ``<prefix>/share/chanjiao/models/default`` (installed)."""
    env = os.environ.get("CHANJIAO_MODEL")
    candidates = [Path(env)] if env else []
    candidates += [
        Path(__file__).resolve().parents[1] / "models" / DEFAULT_MODEL_NAME,
        Path(sys.prefix) / "share" / "chanjiao" / "models" / DEFAULT_MODEL_NAME,
        Path(sys.base_prefix) / "share" / "chanjiao" / "models" / DEFAULT_MODEL_NAME,
    ]
    for c in candidates:
        if (c / MODEL_FILE).exists():
            return c
    return None


def save_model(model, out_dir: str | os.PathLike, card: dict) -> Path:
    """Write ``model.skops`` and ``model_card.json`` into ``out_dir``."""
    import skops.io as sio

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    import zipfile

    sio.dump(model, out / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    if hasattr(model, "model_"):
        from .predict import export_portable

        export_portable(model, out)
    (out / CARD_FILE).write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


_LIBRARIES = ("chanjiao", "scikit-learn", "numpy", "scipy", "rjieba", "jieba", "skops")


def library_versions() -> dict:
    """Versions of Python and the libraries a result depends on (recorded in run.json and cards).

    Read from the names of the installed ``*.dist-info`` folders in one pass over ``sys.path``
    (``importlib.metadata.version`` searches the path again for each name: 60 ms for seven);
    a library not found that way is asked for the ordinary way.
    """
    import importlib.metadata as md
    import re

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "_", name).lower()

    from . import __version__

    wanted = {norm(n): n for n in _LIBRARIES if n != "chanjiao"}
    seen: dict[str, list[str]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder[: -len(".dist-info")].partition("-")
                if norm(name) in wanted:
                    seen.setdefault(wanted[norm(name)], []).append(version)
    # a library installed twice (stale metadata) is left to importlib.metadata to settle
    found = {"chanjiao": __version__, **{n: v[0] for n, v in seen.items() if len(v) == 1}}
    out = {"python": sys.version.split()[0]}
    for name in _LIBRARIES:
        if name not in found:
            try:
                found[name] = md.version(name)
            except md.PackageNotFoundError:
                continue
        out[name] = found[name]
    return out


def make_card(model, *, framework, training_data: dict, metrics: dict, name: str = DEFAULT_MODEL_NAME, notes: str = "") -> dict:
    """A model card (JSON-ready dict)."""
    return {
        "name": name,
        "format": MODEL_FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "framework": {"id": framework.id, "sha256": framework.sha256, "dimensions": list(framework.dimension_ids)},
        "training_data": training_data,
        "versions": library_versions(),
        "model": {"class": type(model).__name__, "params": {k: repr(v) for k, v in model.get_params(deep=False).items()},
                  "blend_weight": float(getattr(model, "weight_", 1.0)),
                  "thresholds": {d: float(t) for d, t in zip(model.classes_, getattr(model, "thresholds_", []))}},
        "metrics": metrics,
        "notes": notes,
    }


def load_model(path: str | os.PathLike | None = None, *, framework=None, portable: bool = False):
    """Load a model directory (or a ``.skops`` file beside its card).

    Args:
        path: the model directory; None for the default model.
        framework: if given, the model must have been trained for this framework (same hash).
        portable: return the numpy-only :class:`~pipeline.predict.PortableModel` (fast start-up,
            no scikit-learn import) when the directory has one.

    Returns:
        (estimator, card)

    Raises:
        ModelError: missing files, untrusted types, a newer model format, or another framework.
    """
    if path is None:
        found = default_model_dir()
        if found is None:
            raise ModelError("no default model found (models/default); train one with `chanjiao train corpus/labels/labels.csv -o models/default`")
        path = found
    p = Path(path)
    model_file = p / MODEL_FILE if p.is_dir() else p
    card_file = model_file.parent / CARD_FILE
    if not model_file.exists():
        raise ModelError(f"{model_file}: model file not found")
    if not card_file.exists():
        raise ModelError(f"{card_file}: model card not found (a model needs its card)")
    card = json.loads(card_file.read_text(encoding="utf-8"))
    if int(card.get("format", 0)) > MODEL_FORMAT:
        raise ModelError(f"{model_file}: model format {card.get('format')} is newer than this chanjiao understands ({MODEL_FORMAT}); upgrade chanjiao")
    if framework is not None and card.get("framework", {}).get("sha256") != framework.sha256:
        raise ModelError(
            f"{model_file}: model was trained for framework {card.get('framework', {}).get('id')!r} "
            f"(sha256 {str(card.get('framework', {}).get('sha256'))[:12]}…), not for {framework.id!r} "
            f"({framework.sha256[:12]}…); train a model for this framework or use --model lexicon"
        )
    if portable:
        from .predict import PORTABLE_FILE, PortableModel

        if (model_file.parent / PORTABLE_FILE).exists():
            return PortableModel.load(model_file.parent), card
    resolved, mtime_ns = str(model_file.resolve()), model_file.stat().st_mtime_ns
    _trusted_types(resolved, mtime_ns)  # untrusted content is refused before anything else is said of it
    _check_sklearn_version(model_file, card)
    return _load_skops(resolved, mtime_ns), card


def _check_sklearn_version(model_file: Path, card: dict) -> None:
    """scikit-learn objects do not survive a change of minor version (a FeatureUnion saved with
    1.9 loads into 1.7 without its attributes): refuse with a way out instead."""
    import sklearn

    saved = str(card.get("versions", {}).get("scikit-learn", ""))
    if saved and saved.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{model_file}: saved with scikit-learn {saved}, this environment has {sklearn.__version__}; "
            "the estimator file does not carry across versions. The portable model.npz beside it does "
            "(`chanjiao classify` uses it by default), or rebuild with `chanjiao train`."
        )


@lru_cache(maxsize=4)
def _trusted_types(path: str, mtime_ns: int) -> tuple[str, ...]:
    """The types in a skops file, all of them on the allow-list (else ModelError); read once per
    file version, though both the check in :func:`load_model` and the loader ask."""
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise ModelError(f"{path}: not a readable skops model ({exc.__class__.__name__}: {exc})") from None
    refused = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if refused:
        raise ModelError(f"{path}: refuses to load untrusted types {refused}")
    return tuple(untrusted)


@lru_cache(maxsize=4)
def _load_skops(path: str, mtime_ns: int):
    import skops.io as sio

    return sio.load(path, trusted=list(_trusted_types(path, mtime_ns)))
