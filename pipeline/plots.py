"""Figures of a run: dimension profiles (radar), dimension mix per document, dimension × actor
heatmap, trends by year or issuer, and the actor co-occurrence network.

Every ``plot_*`` function takes the run's tables (pandas DataFrames) and returns a matplotlib
``Figure``; nothing is shown or printed. Labels read "场域 field": the framework's Chinese name
and the id. Dimension and actor ids come from the data and the framework, never from this module.

Chinese text needs a font with CJK glyphs: :func:`use_cjk_font` finds one (a font matplotlib
already knows, a system font such as Debian's ``fonts-noto-cjk``, or the Noto Sans SC file of the
``plots`` extra) and makes it matplotlib's first sans-serif font. Without one it warns once and the
figures fall back to ids. matplotlib is imported here only, inside the functions, so the rest of
the package never needs it (``pip install 'chanjiao[plots]'``).

Example:
    >>> import pandas as pd
    >>> from pipeline.plots import plot_dimension_bars, save_figure
    >>> docs = pd.read_parquet("out/sample/documents.parquet")          # doctest: +SKIP
    >>> save_figure(plot_dimension_bars(docs), "mix.png")               # doctest: +SKIP
"""
from __future__ import annotations

import functools
import math
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codebook import Framework, load_framework
from .errors import ChanjiaoError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "plot_actor_network",
    "plot_dimension_actor_heatmap",
    "plot_dimension_bars",
    "plot_profile_radar",
    "plot_trends",
    "save_figure",
    "use_cjk_font",
]

# Characters a usable font must have (simplified forms: 场, 资, 价, 体, 业 are not in JIS-only fonts).
_PROBE = "场域主体资源价值政府企业"

# Families with Simplified Chinese glyph forms, then other CJK families (Traditional, Japanese,
# Korean forms of the same characters: readable, but some hanzi look foreign to a mainland reader).
_SIMPLIFIED_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "思源黑体",
    "Sarasa Gothic SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei",
    "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti",
)
_OTHER_CJK_FAMILIES = (
    "Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans CJK HK", "Noto Sans CJK JP", "Source Han Sans",
    "Noto Sans CJK KR", "Droid Sans Fallback",
)
_PREFERRED_FAMILIES = _SIMPLIFIED_FAMILIES + _OTHER_CJK_FAMILIES

# Font files at their usual system places (matplotlib's font cache may predate their install).
_SYSTEM_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",        # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",              # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",                 # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",                   # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",      # fonts-droid-fallback
    "/System/Library/Fonts/PingFang.ttc",                             # macOS
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/msyh.ttc",                                      # Windows: Microsoft YaHei
    "C:/Windows/Fonts/simhei.ttf",
)

# (importable package, font file inside it): the ``plots`` extra installs the first one.
# pylopdf-fonts-zh-cn: Noto Sans SC Regular (SIL OFL 1.1), the Simplified Chinese regional
# subset, one face, so every matplotlib version picks Simplified glyph forms.
_PACKAGE_FONTS = (
    ("pylopdf_fonts_zh_cn", "NotoSansSC-Regular.otf"),
    ("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc"),
)

_NO_FONT_MESSAGE = (
    "chanjiao.plots: no font with Chinese glyphs found, so figures show ids instead of Chinese "
    "names. Install one: pip install 'chanjiao[plots]' (bundles Noto Sans SC) or, on Debian/Ubuntu, "
    "apt-get install fonts-noto-cjk."
)

_PALETTE = ["#e4572e", "#17bebb", "#ffc914", "#76b041", "#2e86ab", "#a23b72", "#f18f01", "#6a4c93"]


# ------------------------------------------------------------------ fonts


def use_cjk_font() -> str | None:
    """Make a font with Chinese glyphs matplotlib's first sans-serif font.

    Looks, in order, at fonts matplotlib has already registered (Noto Sans CJK, Source Han Sans,
    WenQuanYi, SimHei, Microsoft YaHei …), at system font files (e.g. Debian's
    ``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``) and at the Noto Sans SC file of
    the ``plots`` extra (``pip install 'chanjiao[plots]'``), first for a family with Simplified
    Chinese glyph forms, then for any CJK family, last at any other registered font. Every
    candidate must map all of "场域主体资源价值政府企业". Sets ``rcParams["font.sans-serif"]``
    (the font first) and ``rcParams["axes.unicode_minus"] = False``. Nothing is downloaded.
    The search runs once per process; each call re-applies the settings.

    Returns:
        The font file's path, or None (after one warning per process) when no font has the glyphs.

    Example:
        >>> path = use_cjk_font()                     # doctest: +SKIP
        >>> path                                      # doctest: +SKIP
        '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
    """
    try:
        import matplotlib as mpl
    except ImportError as e:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("chanjiao.plots needs matplotlib: pip install 'chanjiao[plots]'") from e

    found = _find_cjk_font()
    if found is None:
        _warn_no_cjk_font()
        return None
    path, family = found
    mpl.rcParams["font.sans-serif"] = [family] + [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["axes.unicode_minus"] = False
    return path


@functools.lru_cache(maxsize=1)
def _warn_no_cjk_font() -> None:
    # Cached: the warning is issued once per process, whatever the warnings filters say.
    warnings.warn(_NO_FONT_MESSAGE, UserWarning, stacklevel=4)


def _search_cjk_font() -> tuple[str, str] | None:
    """(path, family) of a font with the probe glyphs, registered with matplotlib; or None.

    Two passes over the same sources (registered fonts, system files, font packages): the first
    takes only Simplified Chinese families, so a Japanese face (all a TrueType collection offers
    before matplotlib 3.11) never wins over an installed Noto Sans SC; the second takes any.
    """
    from matplotlib import font_manager

    fm = font_manager.fontManager
    simplified = {name.casefold() for name in _SIMPLIFIED_FAMILIES}

    def candidates():
        yield from _registered_fonts(fm)
        for path in (*_SYSTEM_FONT_FILES, *_package_font_files()):
            found = _register(path)
            if found:
                yield found

    for path, family in candidates():
        if family.casefold() in simplified:
            return path, family
    for path, family in candidates():
        return path, family
    bundled = os.path.dirname(font_manager.__file__)
    for entry in sorted(fm.ttflist, key=_weight_distance):
        if not str(entry.fname).startswith(bundled) and _has_glyphs(entry.fname, getattr(entry, "index", 0)):
            return str(entry.fname), entry.name
    return None


# The search runs once per process.
_find_cjk_font = functools.lru_cache(maxsize=1)(_search_cjk_font)


def _weight_distance(entry: Any) -> tuple[int, bool]:
    """Sort key: regular upright faces first (not the Bold file of the same family)."""
    from matplotlib import font_manager

    w = entry.weight
    w = font_manager.weight_dict.get(w, 400) if isinstance(w, str) else int(w)
    return abs(w - 400), entry.style != "normal"


def _registered_fonts(fm: Any) -> list[tuple[str, str]]:
    """(path, family) of the fonts matplotlib knows in a preferred CJK family that have the glyphs."""
    rank = {name.casefold(): i for i, name in enumerate(_PREFERRED_FAMILIES)}
    known = sorted((e for e in fm.ttflist if e.name.casefold() in rank),
                   key=lambda e: (rank[e.name.casefold()], *_weight_distance(e)))
    return [(str(e.fname), e.name) for e in known if _has_glyphs(e.fname, getattr(e, "index", 0))]


def _package_font_files() -> list[str]:
    """Font files of installed font packages, located through importlib.resources."""
    from importlib import resources
    from importlib.util import find_spec

    out = []
    for module, filename in _PACKAGE_FONTS:
        try:
            if find_spec(module) is None:
                continue
            ref = resources.files(module).joinpath(filename)
        except (ImportError, ModuleNotFoundError, TypeError):
            continue
        if ref.is_file() and os.path.isfile(str(ref)):
            out.append(str(ref))
    return out


def _has_glyphs(path: str | os.PathLike, face_index: int = 0, chars: str = _PROBE) -> bool:
    """True when face ``face_index`` of the font file maps every character of ``chars``."""
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(str(path), face_index=face_index) if face_index else ft2font.FT2Font(str(path))
        return all(font.get_char_index(ord(c)) for c in chars)
    except (OSError, RuntimeError, ValueError, TypeError):
        return False


def _register(path: str) -> tuple[str, str] | None:
    """Add a font file to matplotlib (once) if it has the glyphs; (path, best family) or None."""
    from matplotlib import font_manager

    if not os.path.isfile(path) or not _has_glyphs(path):
        return None
    fm = font_manager.fontManager

    def entries() -> list:
        real = os.path.realpath(path)
        return [e for e in fm.ttflist if os.path.realpath(str(e.fname)) == real]

    if not entries():
        try:
            fm.addfont(path)
        except (OSError, RuntimeError, ValueError):
            return None
    names = [e.name for e in entries() if _has_glyphs(path, getattr(e, "index", 0))]
    if not names:
        return None
    rank = {name.casefold(): i for i, name in enumerate(_PREFERRED_FAMILIES)}
    return path, min(names, key=lambda n: rank.get(n.casefold(), len(rank)))


# ------------------------------------------------------------------ helpers


def _resolve_framework(framework: Framework | str | os.PathLike | None) -> Framework:
    return framework if isinstance(framework, Framework) else load_framework(framework)


def _label(fw: Framework, some_id: str, cjk: bool) -> str:
    """"场域 field" (the id alone without a CJK font or without a Chinese name)."""
    name = fw.label(some_id)
    return f"{name} {some_id}" if cjk and name != some_id else str(some_id)


def _display(text: object, fallback: str, cjk: bool, width: int = 26) -> str:
    """Free text (a title, an issuer) shortened to ``width``; ``fallback`` when it cannot be drawn."""
    s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text).strip()
    if not s or (not cjk and not s.isascii()):
        return fallback
    return s if len(s) <= width else s[: width - 1] + "…"


def _ordered(ids: list[str], order: tuple[str, ...]) -> list[str]:
    """``ids`` in framework order, then any the framework does not know, in their own order."""
    present = list(dict.fromkeys(ids))
    return [i for i in order if i in present] + [i for i in present if i not in order]


def _share_dims(df: pd.DataFrame, fw: Framework, prefix: str = "share_") -> list[str]:
    dims = _ordered([c[len(prefix):] for c in df.columns if str(c).startswith(prefix)], fw.dimension_ids)
    if not dims:
        raise ChanjiaoError(f"no {prefix}<dimension> columns in the table (have: {', '.join(map(str, df.columns))})")
    return dims


def _new_figure(width: float, height: float, **kwargs: Any) -> Figure:
    from matplotlib.figure import Figure

    # A bare Figure (not pyplot): no global figure registry, no GUI backend, safe in loops.
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def _colors(n: int) -> list[str]:
    return [_PALETTE[i % len(_PALETTE)] for i in range(n)]


# ------------------------------------------------------------------ plots


def _profiles_from(profiles: Any, fw: Framework) -> dict[str, dict[str, float]]:
    """Normalise the accepted radar inputs to {profile name: {dimension id: value}}."""
    import pandas as pd

    def strip(key: object) -> str:
        return re.sub(r"^(share|label|intensity|score)_", "", str(key))

    if isinstance(profiles, pd.Series):
        keys = [k for k in profiles.index if str(k).startswith("share_")]
        if keys:  # a row of documents.parquet
            name = profiles.get("title") or profiles.get("doc_id") or profiles.name
            return {str(name if name is not None else "profile"): {strip(k): profiles[k] for k in keys}}
        name = profiles.name if profiles.name is not None else "profile"
        return {str(name): {strip(k): v for k, v in profiles.items()}}
    if isinstance(profiles, pd.DataFrame):
        share_cols = [c for c in profiles.columns if str(c).startswith("share_")]
        if share_cols:  # documents.parquet rows
            names = profiles["title"] if "title" in profiles.columns else profiles.index.to_series()
            return {str(n): {strip(c): r[c] for c in share_cols} for n, (_, r) in zip(names, profiles.iterrows())}
        dims = set(fw.dimension_ids)
        if set(map(strip, profiles.index)) <= dims and not set(map(strip, profiles.columns)) <= dims:
            profiles = profiles.T  # dimension × group, as Analysis.compare()["profiles"]
        return {str(n): {strip(c): r[c] for c in profiles.columns} for n, r in profiles.iterrows()}
    if isinstance(profiles, Mapping):
        if profiles and all(isinstance(v, Mapping) for v in profiles.values()):
            return {str(n): {strip(k): v for k, v in p.items()} for n, p in profiles.items()}
        return {"profile": {strip(k): v for k, v in profiles.items()}}
    raise ChanjiaoError(f"profiles must be a dict, a pandas Series or DataFrame, not {type(profiles).__name__}")


def plot_profile_radar(
    profiles: Mapping[str, Mapping[str, float]] | pd.Series | pd.DataFrame,
    *,
    framework: Framework | str | None = None,
    title: str | None = None,
) -> Figure:
    """One or several dimension profiles on one radar chart.

    Args:
        profiles: {name: {dimension id: value}} for several profiles (two groups, say); a Series
            {dimension id: value} for one, or a row of ``documents.parquet`` (its ``share_<dim>``
            values, named by its title); a DataFrame with one profile per row (or per column, as
            ``Analysis.compare()["profiles"]``). Prefixes ``share_``/``label_`` are dropped.
        framework: the framework (object, file or bundled name) giving names and axis order.
        title: the chart title.

    Returns:
        The Figure: one polar axes, one line (and filled area) per profile.

    Example:
        >>> fig = plot_profile_radar({"江川": {"field": .2, "actors": .6, "resources": .5, "value": .1},
        ...                           "临海": {"field": .4, "actors": .3, "resources": .6, "value": .2}})
        >>> len(fig.axes[0].lines)
        2
    """
    import numpy as np

    fw = _resolve_framework(framework)
    cjk = use_cjk_font() is not None
    data = _profiles_from(profiles, fw)
    if not data:
        raise ChanjiaoError("no profile to plot")
    dims = _ordered([d for p in data.values() for d in p], fw.dimension_ids)
    values = {n: [float(p.get(d, 0.0) or 0.0) for d in dims] for n, p in data.items()}
    angles = np.linspace(0, 2 * np.pi, len(dims), endpoint=False)
    fig = _new_figure(6.0, 5.6)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    for i, ((name, vals), color) in enumerate(zip(values.items(), _colors(len(values)))):
        closed_a, closed_v = np.append(angles, angles[0]), np.append(vals, vals[0])
        ax.plot(closed_a, closed_v, color=color, linewidth=2, marker="o", label=_display(name, f"profile {i + 1}", cjk, 30))
        ax.fill(closed_a, closed_v, color=color, alpha=0.15)
    ax.set_thetagrids(np.degrees(angles), [_label(fw, d, cjk) for d in dims])
    top = max((v for vals in values.values() for v in vals), default=0.0)
    ax.set_ylim(0, 1.0 if top <= 1.0 else top * 1.05)
    if len(values) > 1:
        ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12))
    if title:
        ax.set_title(title if cjk or title.isascii() else "", pad=18)
    return fig


def plot_dimension_bars(
    documents: pd.DataFrame,
    *,
    framework: Framework | str | None = None,
    by: str = "title",
    normalize: bool = True,
) -> Figure:
    """Stacked horizontal bars of each document's dimension shares.

    Args:
        documents: ``documents.parquet`` (columns ``share_<dim>`` and ``by``).
        framework: the framework (object, file or bundled name) giving names and order.
        by: the column that names each bar (empty names fall back to ``doc_id``).
        normalize: scale each document's shares to sum to 1 (its dimension mix); False stacks the
            raw shares (a paragraph may carry several dimensions, so bars may pass 1).

    Returns:
        The Figure: one axes, one bar per document and dimension.

    Example:
        >>> docs = pd.read_parquet("out/sample/documents.parquet")   # doctest: +SKIP
        >>> fig = plot_dimension_bars(docs)                           # doctest: +SKIP
    """
    import numpy as np

    fw = _resolve_framework(framework)
    cjk = use_cjk_font() is not None
    dims = _share_dims(documents, fw)
    if by not in documents.columns:
        raise ChanjiaoError(f"no column {by!r} in the documents table")
    shares = documents[[f"share_{d}" for d in dims]].fillna(0.0).to_numpy(dtype=float)
    if normalize:
        totals = shares.sum(axis=1, keepdims=True)
        shares = np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)
    ids = documents["doc_id"].astype(str).tolist() if "doc_id" in documents.columns else [str(i + 1) for i in range(len(documents))]
    names = [_display(v, ids[i], cjk) for i, v in enumerate(documents[by].tolist())]
    fig = _new_figure(9.0, 1.6 + 0.38 * max(len(names), 1))
    ax = fig.add_subplot()
    y = np.arange(len(names))
    left = np.zeros(len(names))
    for j, (d, color) in enumerate(zip(dims, _colors(len(dims)))):
        ax.barh(y, shares[:, j], left=left, color=color, label=_label(fw, d, cjk), height=0.7)
        left += shares[:, j]
    ax.set_yticks(y, names)
    ax.set_ylim(len(names) - 0.5, -0.5)  # first document on top
    if normalize:
        ax.set_xlim(0, 1)
        ax.set_xlabel("维度构成（归一化）dimension mix, normalised" if cjk else "dimension mix, normalised")
    else:
        ax.set_xlabel("各维度段落占比之和 sum of shares" if cjk else "sum of dimension shares")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(len(dims), 4), frameon=False)
    return fig


def _matrix_from(matrix: pd.DataFrame) -> pd.DataFrame:
    m = matrix.set_index("row") if "row" in matrix.columns else matrix.copy()
    m.index = m.index.map(str)
    m.columns = m.columns.map(str)
    return m.apply(lambda s: s.astype(float))


def plot_dimension_actor_heatmap(matrix: pd.DataFrame, *, framework: Framework | str | None = None) -> Figure:
    """Heatmap of dimension × actor type co-occurrence counts, each cell annotated.

    Args:
        matrix: ``dimension_actor.parquet`` (a ``row`` column of dimension ids and one column per
            actor type) or the same with dimension ids as the index; an actor × dimension table
            is turned round.
        framework: the framework (object, file or bundled name) giving names and order.

    Returns:
        The Figure: the heatmap axes and its colour bar.

    Example:
        >>> m = pd.read_parquet("out/sample/dimension_actor.parquet")   # doctest: +SKIP
        >>> fig = plot_dimension_actor_heatmap(m)                        # doctest: +SKIP
    """
    fw = _resolve_framework(framework)
    cjk = use_cjk_font() is not None
    m = _matrix_from(matrix)
    dims, types = set(fw.dimension_ids), set(fw.actor_type_ids)
    if set(m.index) <= types and set(m.columns) <= dims and not set(m.index) <= dims:
        m = m.T
    if m.empty:
        raise ChanjiaoError("the dimension × actor table is empty")
    m = m.loc[_ordered(list(m.index), fw.dimension_ids), _ordered(list(m.columns), fw.actor_type_ids)]
    values = m.to_numpy()
    fig = _new_figure(1.6 + 1.25 * len(m.columns), 1.4 + 0.7 * len(m.index))
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(m.columns)), [_label(fw, t, cjk) for t in m.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(m.index)), [_label(fw, d, cjk) for d in m.index])
    high = values.max() if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=9, color="white" if high and v > 0.6 * high else "#222")
    fig.colorbar(image, ax=ax, label="共现次数 co-occurrences" if cjk else "co-occurrences")
    return fig


def plot_trends(
    documents: pd.DataFrame,
    *,
    by: str = "date",
    framework: Framework | str | None = None,
) -> Figure:
    """Mean dimension share per year (lines) or per issuer or other group (grouped bars).

    Args:
        documents: ``documents.parquet`` (columns ``share_<dim>`` and ``by``).
        by: "date" (grouped by the year of the ISO date; undated documents are left out), or any
            column of the documents table, e.g. "issuer" or "source" (empty values form one group).
        framework: the framework (object, file or bundled name) giving names and order.

    Returns:
        The Figure: one axes; one line per dimension (by date) or one bar per group and dimension.

    Raises:
        ChanjiaoError: no such column, or no dated document when ``by="date"``.

    Example:
        >>> docs = pd.read_parquet("out/sample/documents.parquet")   # doctest: +SKIP
        >>> fig = plot_trends(docs, by="issuer")                      # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd

    fw = _resolve_framework(framework)
    cjk = use_cjk_font() is not None
    dims = _share_dims(documents, fw)
    cols = [f"share_{d}" for d in dims]
    if by not in documents.columns:
        raise ChanjiaoError(f"no column {by!r} in the documents table (have: {', '.join(map(str, documents.columns))})")
    fig = _new_figure(8.0, 4.8)
    ax = fig.add_subplot()
    colors = _colors(len(dims))
    if by == "date":
        year = documents["date"].astype(str).str.extract(r"^\s*(\d{4})", expand=False)
        dated = documents.assign(_year=pd.to_numeric(year, errors="coerce")).dropna(subset=["_year"])
        if dated.empty:
            raise ChanjiaoError("no document has a date: cannot plot trends by year")
        dated = dated.astype({"_year": int})
        means = dated.groupby("_year")[cols].mean().sort_index()
        sizes = dated.groupby("_year").size()
        years = means.index.tolist()
        for d, c, color in zip(dims, cols, colors):
            ax.plot(years, means[c].to_numpy(), marker="o", linewidth=2, color=color, label=_label(fw, d, cjk))
        ax.set_xticks(years, [f"{y}\nn={sizes[y]}" for y in years])
        ax.set_xlabel("年份 year" if cjk else "year")
        if len(years) == 1:
            ax.set_xlim(years[0] - 1, years[0] + 1)
    else:
        keys = documents[by].fillna("").astype(str).str.strip()
        means = documents[cols].groupby(keys.to_numpy()).mean()
        sizes = keys.value_counts()
        groups = means.index.tolist()
        x = np.arange(len(groups))
        width = 0.8 / len(dims)
        for j, (d, c, color) in enumerate(zip(dims, cols, colors)):
            ax.bar(x + (j - (len(dims) - 1) / 2) * width, means[c].to_numpy(), width=width, color=color, label=_label(fw, d, cjk))
        unknown = "（未注明）unknown" if cjk else "unknown"
        names = [f"{_display(g, f'{by} {i + 1}', cjk, 16) if g else unknown} (n={sizes[g]})" for i, g in enumerate(groups)]
        ax.set_xticks(x, names, rotation=30 if len(groups) > 3 else 0, ha="right" if len(groups) > 3 else "center")
        ax.set_xlabel(by)
    ax.set_ylabel("平均占比 mean share" if cjk else "mean share")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(len(dims), 4), frameon=False)
    return fig


def _graph_from(cooc: Any) -> Any:
    """A networkx Graph with node attribute ``count`` and edge attribute ``weight``."""
    import networkx as nx
    import pandas as pd

    if isinstance(cooc, nx.Graph):
        g = nx.Graph()
        for node, attrs in cooc.nodes(data=True):
            count = attrs.get("count", attrs.get("size", attrs.get("weight")))
            if count is None:
                count = cooc.degree(node, weight="weight")
            g.add_node(node, count=float(count), type=attrs.get("type"))
        for a, b, attrs in cooc.edges(data=True):
            if a != b:
                w = float(attrs.get("weight", 1.0))
                g.add_edge(a, b, weight=g.edges[a, b]["weight"] + w if g.has_edge(a, b) else w)
        return g
    if isinstance(cooc, pd.DataFrame):
        m = _matrix_from(cooc)
        g = nx.Graph()
        for node in m.index:
            g.add_node(node, count=float(m.loc[node, node]) if node in m.columns else 0.0, type=node)
        for i, a in enumerate(m.index):
            for b in m.index[i + 1:]:
                w = float(m.loc[a, b]) if b in m.columns else 0.0
                if w > 0:
                    g.add_edge(a, b, weight=w)
        return g
    raise ChanjiaoError(f"expected a co-occurrence DataFrame or a networkx Graph, not {type(cooc).__name__}")


def plot_actor_network(
    cooc: Any,
    *,
    framework: Framework | str | None = None,
    seed: int = 0,
) -> Figure:
    """The actor co-occurrence network: node size = mentions, edge width = co-occurrences.

    Args:
        cooc: ``actor_cooccurrence.parquet`` (a ``row`` column and one column per actor type; the
            diagonal counts each type), the same with an index, or a networkx Graph (node
            attribute ``count``, edge attribute ``weight``, as ``network.actor_network`` builds).
        framework: the framework (object, file or bundled name) giving actor type names.
        seed: seed of the spring layout (the same seed gives the same picture).

    Returns:
        The Figure: one axes with the edges, the nodes and one label per node.

    Example:
        >>> m = pd.read_parquet("out/sample/actor_cooccurrence.parquet")   # doctest: +SKIP
        >>> fig = plot_actor_network(m)                                      # doctest: +SKIP
    """
    import networkx as nx
    import numpy as np
    from matplotlib.collections import LineCollection

    fw = _resolve_framework(framework)
    cjk = use_cjk_font() is not None
    g = _graph_from(cooc)
    if g.number_of_nodes() == 0:
        raise ChanjiaoError("the actor network has no nodes")
    nodes = _ordered(list(g.nodes), fw.actor_type_ids)
    pos = nx.spring_layout(g, weight="weight", seed=seed) if g.number_of_nodes() > 1 else {nodes[0]: np.zeros(2)}
    fig = _new_figure(7.0, 6.0)
    ax = fig.add_subplot()
    edges = list(g.edges(data="weight"))
    if edges:
        top = max(w for _, _, w in edges) or 1.0
        lines = LineCollection([[pos[a], pos[b]] for a, b, _ in edges], linewidths=[0.8 + 7.0 * w / top for _, _, w in edges],
                               colors="#8a8a8a", alpha=0.6, zorder=1)
        ax.add_collection(lines)
    counts = np.array([g.nodes[n]["count"] for n in nodes], dtype=float)
    sizes = 300 + 2400 * counts / counts.max() if counts.max() > 0 else np.full(len(nodes), 600.0)
    xy = np.array([pos[n] for n in nodes])
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=_colors(len(nodes)), edgecolors="white", linewidths=1.5, zorder=2)
    for i, (n, (x, y)) in enumerate(zip(nodes, xy)):
        fallback = str(g.nodes[n].get("type") or f"node {i + 1}")
        text = _label(fw, n, cjk) if n in fw.actor_type_ids else _display(n, fallback, cjk, 16)
        ax.text(x, y, f"{text}\n{counts[i]:g}", ha="center", va="center", fontsize=9, zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.75, "linewidth": 0})
    ax.margins(0.2)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    return fig


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 200) -> Path:
    """Write a figure as PNG, SVG or PDF, by the file's extension.

    Args:
        fig: a Figure from a ``plot_*`` function.
        path: the file (``.png``, ``.svg`` or ``.pdf``).
        dpi: resolution of PNG output.

    Returns:
        The path written.

    Raises:
        ChanjiaoError: another extension.

    Example:
        >>> save_figure(plot_profile_radar({"field": .3, "value": .5, "actors": .2}), "radar.svg")  # doctest: +SKIP
    """
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in {"png", "svg", "pdf"}:
        raise ChanjiaoError(f"{p}: figure file must end in .png, .svg or .pdf")
    fig.savefig(p, format=fmt, dpi=dpi, bbox_inches="tight")
    return p
