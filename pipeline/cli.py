"""The ``chanjiao`` command: parses options, calls one library function, writes what it returns.

Every command has ``--help`` with an example. Library errors become one-line messages that
name the file and the reason; in a batch, a bad file is reported and the rest goes on.
"""
from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from .config import CONFIG_ENV, load_config
from .errors import ChanjiaoError

_FORMATS_IO = ["jsonl", "csv", "parquet"]
_FORMATS_TABLE = ["jsonl", "csv", "parquet", "table"]


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def library_errors(f):
    """Turn library errors into click errors (one line, exit status 1)."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except ChanjiaoError as exc:
            raise _fail(exc) from None
        except BrokenPipeError:  # `chanjiao … -o - | head`
            sys.stderr.close()

    return wrapper


def framework_option(f):
    return click.option("--framework", "framework", default=None, metavar="FILE",
                        help="Framework (codebook) YAML file, or a bundled name: four_dimensions (default), policy_instruments.")(f)


def record_options(f):
    f = click.option("--id-field", default=None, help="Record field holding the id (.jsonl/.csv inputs).")(f)
    f = click.option("--text-field", default=None, help="Record field holding the text (.jsonl/.csv inputs; default text).")(f)
    return f


def output_options(formats, default="jsonl"):
    def deco(f):
        f = click.option("-o", "--output", "output", default="-", show_default=True, help="Output file; - for standard output.")(f)
        f = click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True, help="Output format.")(f)
        return f

    return deco


def segmenter_option(f):
    return click.option("--segmenter", "engine", type=click.Choice(["rjieba", "jieba"]), default="rjieba", show_default=True,
                        help="Segmentation engine: rjieba (fast Rust port) or jieba (Python reference).")(f)


def inputs_argument(f):
    return click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))(f)


def _documents(inputs, text_field=None, id_field=None):
    """Documents from inputs; failures are reported on stderr as they happen and returned."""
    from .ingest import read_many
    from .types import Failure

    failures: list[Failure] = []
    return read_many(inputs, failures=_Reporter(failures), text_field=text_field, id_field=id_field), failures


class _Reporter(list):
    def __init__(self, sink):
        super().__init__()
        self.sink = sink

    def append(self, failure):
        click.echo(f"chanjiao: skipped {failure.path}: {failure.reason}", err=True)
        self.sink.append(failure)


def _finish(n_out: int, failures, what: str, output: str) -> None:
    where = "" if output == "-" else f" → {output}"
    click.echo(f"{n_out} {what}{where}" + (f"; {len(failures)} file(s) failed" if failures else ""), err=True)
    if n_out == 0 and failures:
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chanjiao", prog_name="chanjiao")
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False), envvar=CONFIG_ENV, default=None,
              help="Settings file (YAML): option values for every command or per command; the command line wins. "
                   f"Also read from {CONFIG_ENV}.")
@click.pass_context
def cli(ctx, config):
    """chanjiao (产教): analyse Chinese policy documents against a coding framework.

    Read documents in any format and encoding, segment them, find dimension keywords and
    actor mentions (官产学研服), and code every paragraph on the framework's dimensions.

    Example: chanjiao --config study.yaml run corpus/sample -o out/sample
    """
    _warnings_to_stderr()
    if config:
        try:
            ctx.default_map = _default_map(load_config(config), ctx.command)
        except ChanjiaoError as exc:
            raise _fail(exc) from None


def _default_map(cfg, group: click.Group) -> dict:
    """click's default_map (command → parameter → value) from a settings file.

    Keys are option names as typed (``segmenter``, ``chunk-size``), which a command may store
    under another parameter name (``--segmenter`` is ``engine`` in ``keywords``). Relative
    paths are read from the settings file's folder.
    """
    from .errors import ConfigError

    defaults, options, commands = _defaults_of(cfg, group, "")
    for s in cfg.sections:
        if s not in commands:
            raise ConfigError(f"{cfg.path}: no command {s!r}; sections: {', '.join(sorted(commands))}")
    for k in cfg.shared:
        if k not in options:
            raise ConfigError(f"{cfg.path}: no command has option {k!r}")
    return defaults


def _defaults_of(cfg, group: click.Group, prefix: str) -> tuple[dict, set[str], set[str]]:
    """The default_map of ``group``'s commands, the option names they have, and their full
    names (``framework check``)."""
    out: dict = {}
    options: set[str] = set()
    commands: set[str] = set()
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            out[name], sub_options, sub_commands = _defaults_of(cfg, cmd, f"{full} ")
            options |= sub_options
            commands |= sub_commands
            continue
        params = {}
        for p in cmd.params:
            if isinstance(p, click.Option) and p.name not in ("help", "version"):
                for opt in p.opts:
                    if opt.startswith("--"):
                        params[opt[2:].replace("-", "_")] = p
        options |= set(params)
        commands.add(full)
        values = cfg.defaults_for(full, params)
        out[name] = {params[k].name: _setting(cfg, params[k], v) for k, v in values.items()}
    return out, options, commands


def _setting(cfg, param: click.Option, value):
    """A settings-file value as the option takes it (lists, paths next to the settings file)."""
    base = Path(cfg.path).parent
    values = value if isinstance(value, list) else [value]
    resolved = []
    for v in values:
        if isinstance(v, str) and v and v != "-" and not Path(v).is_absolute() and (
                isinstance(param.type, click.Path) or param.name == "output" or (base / v).exists()):
            v = str(base / v)
        resolved.append(v)
    if param.multiple:
        return resolved
    if isinstance(value, list):
        return ",".join(map(str, resolved))
    return resolved[0]


_HANDLER: logging.Handler | None = None


def _warnings_to_stderr() -> None:
    """The library's warnings (a framework the default model was not trained for, …) on stderr."""
    global _HANDLER
    if _HANDLER is None:
        _HANDLER = logging.StreamHandler()
        _HANDLER.setLevel(logging.WARNING)
        _HANDLER.setFormatter(logging.Formatter("chanjiao: %(message)s"))
        logging.getLogger("pipeline").addHandler(_HANDLER)
    _HANDLER.setStream(sys.stderr)  # (the current one: tests swap it)


# ---------------------------------------------------------------- ingest / segment


@cli.command()
@inputs_argument
@output_options(_FORMATS_IO)
@record_options
@library_errors
def ingest(inputs, fmt, output, text_field, id_field):
    """Read files/folders into clean documents with metadata and structure.

    Example: chanjiao ingest corpus/sample -o docs.jsonl
    """
    from .io import write_rows
    from .records import document_row

    docs, failures = _documents(inputs, text_field, id_field)
    n = write_rows((document_row(d) for d in docs), output, fmt=fmt)
    _finish(n, failures, "documents", output)


@cli.command()
@inputs_argument
@output_options(_FORMATS_IO)
@record_options
@segmenter_option
@click.option("--pos/--no-pos", default=False, help="Also tag parts of speech.")
@framework_option
@library_errors
def segment(inputs, fmt, output, text_field, id_field, engine, pos, framework):
    """Segment documents into tokens with the domain dictionary (framework terms stay whole).

    Example: chanjiao segment corpus/sample --pos -o tokens.jsonl
    """
    from .io import write_rows
    from .segment import segment as segment_docs

    docs, failures = _documents(inputs, text_field, id_field)

    def rows():
        for doc, paras in segment_docs(docs, engine=engine, framework=framework, pos=pos):
            tokens = []
            for sp in paras:
                for k, (t, s, e) in enumerate(sp.tokens):
                    tok = {"text": t, "start": s, "end": e, "para": sp.para_idx}
                    if sp.pos:
                        tok["pos"] = sp.pos[k]
                    tokens.append(tok)
            yield {"id": doc.doc_id, "path": doc.path, "title": doc.title, "tokens": tokens}

    n = write_rows(rows(), output, fmt=fmt)
    _finish(n, failures, "documents", output)


# ---------------------------------------------------------------- keywords / actors


@cli.command()
@inputs_argument
@output_options(_FORMATS_TABLE)
@record_options
@framework_option
@click.option("--kwic", type=int, default=15, show_default=True, help="Characters of context on each side of a hit.")
@click.option("--top", type=int, default=20, show_default=True, help="Data-driven keywords per document (TF-IDF and TextRank).")
@click.option("--idf", type=click.Path(exists=True, dir_okay=False), default=None, help="IDF table from `chanjiao idf` (default: bundled policy-domain IDF).")
@click.option("--segmenter", "engine", type=click.Choice(["rjieba", "jieba"]), default="rjieba", show_default=True, help="Segmentation engine.")
@click.option("--corpus/--no-corpus", "corpus", default=False, help="Also give corpus-level term counts and keywords (id 'corpus').")
@library_errors
def keywords(inputs, fmt, output, text_field, id_field, framework, kwic, top, idf, engine, corpus):
    """Dimension keyword hits (with context) and TF-IDF/TextRank keywords per document.

    Example: chanjiao keywords corpus/sample --format table --kwic 10
    """
    from .io import write_rows
    from .records import keyword_rows

    docs, failures = _documents(inputs, text_field, id_field)
    rows = keyword_rows(docs, framework=framework, kwic=kwic, top=top, idf=idf, engine=engine, flat=fmt != "jsonl", corpus=corpus)
    n = write_rows(rows, output, fmt=fmt)
    _finish(n, failures, "rows" if fmt != "jsonl" else "documents", output)


@cli.command()
@inputs_argument
@output_options(_FORMATS_TABLE)
@record_options
@framework_option
@click.option("--segmenter", "engine", type=click.Choice(["rjieba", "jieba"]), default="rjieba", show_default=True, help="Segmentation engine.")
@click.option("--network", type=click.Path(dir_okay=False), default=None, help="Also write the actor co-occurrence network (.graphml or .gexf).")
@library_errors
def actors(inputs, fmt, output, text_field, id_field, framework, engine, network):
    """Actor mentions (官产学研服) with type, name and role; one object per document or record.

    Example: chanjiao actors records.jsonl --text-field text --id-field id -o actors.jsonl
    """
    from .io import write_rows
    from .records import actor_rows

    docs, failures = _documents(inputs, text_field, id_field)
    collected: list = []
    rows = actor_rows(docs, framework=framework, engine=engine, flat=fmt != "jsonl", collect=collected if network else None)
    n = write_rows(rows, output, fmt=fmt)
    if network:
        from .network import actor_network, write_network

        write_network(actor_network(collected), network)
    _finish(n, failures, "rows" if fmt != "jsonl" else "documents", output)


@cli.command()
@inputs_argument
@framework_option
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="Suggestions CSV to review.")
@click.option("--min-count", type=int, default=3, show_default=True, help="Minimum co-occurrences with a dimension.")
@click.option("--top", type=int, default=50, show_default=True, help="Suggestions per dimension.")
@click.option("--accept", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Instead: merge the rows marked accept=1 in this reviewed CSV into a copy of the framework written to -o.")
@library_errors
def expand(inputs, framework, output, min_count, top, accept):
    """Suggest new terms per dimension from a corpus (log-likelihood G² and PMI), or merge accepted ones.

    Example: chanjiao expand corpus/sample -o suggestions.csv
    then mark rows with accept=1 and: chanjiao expand corpus/sample --accept suggestions.csv -o my_framework.yaml
    """
    from .codebook import load_framework
    from .io import write_rows
    from .keywords import accept_suggestions, suggest_terms

    if accept:
        added = accept_suggestions(load_framework(framework).path, accept, output)
        click.echo(f"{added} accepted term(s) merged → {output} (use it with --framework {output})", err=True)
        return

    docs, failures = _documents(inputs)
    sentences = (s.text for d in docs for s in d.sentences)
    rows = suggest_terms(sentences, framework=framework, min_count=min_count, top=top)
    for r in rows:
        r["accept"] = ""
    n = write_rows(rows, output, fmt="csv", columns=["dimension", "term", "g2", "pmi", "count", "dim_count", "accept", "example"])
    _finish(n, failures, "suggestions", output)


@cli.command()
@inputs_argument
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="IDF table (TSV) to write.")
@framework_option
@click.option("--min-df", type=int, default=2, show_default=True, help="Drop words seen in fewer paragraphs.")
@library_errors
def idf(inputs, output, framework, min_df):
    """Build an IDF table (over paragraphs) from a corpus, for `keywords --idf`.

    Example: chanjiao idf corpus/sample -o idf.tsv
    """
    from .keywords import build_idf, save_idf

    docs, failures = _documents(inputs)
    table = build_idf((p.text for d in docs for p in d.paragraphs if not p.is_heading), framework=framework, min_df=min_df)
    save_idf(table, output)
    _finish(len(table) - 1, failures, "words", output)


@cli.group()
def framework():
    """Inspect and check framework (codebook) files."""


@framework.command("check")
@framework_option
@click.option("--corpus", "corpus", multiple=True, type=click.Path(exists=True, path_type=Path), help="Also list terms that never occur in this corpus (repeatable).")
@click.option("--segmenter", "engine", type=click.Choice(["rjieba", "jieba"]), default="rjieba", show_default=True, help="Segmentation engine.")
@library_errors
def framework_check(framework, corpus, engine):
    """Validate a framework; list terms the segmenter splits, duplicates, and unused terms.

    Example: chanjiao framework check --framework policy_instruments --corpus corpus/sample
    """
    from .records import check_framework

    report = check_framework(framework, corpus=list(corpus), engine=engine)
    click.echo(f"framework {report['id']} ({report['path']}) is valid: "
               f"{report['n_terms']} terms in {len(report['dimensions'])} dimensions, {report['n_actor_terms']} actor terms")
    click.echo(f"split by the segmenter: {len(report['split_terms'])}" + ("" if not report["split_terms"] else " — " + ", ".join(report["split_terms"][:30])))
    click.echo(f"in several places (declared overlaps or actor/dimension reuse): {len(report['duplicates'])}"
               + ("" if not report["duplicates"] else " — " + ", ".join(report["duplicates"][:30])))
    if corpus:
        click.echo(f"never occur in the corpus: {len(report['unused_terms'])}" + ("" if not report["unused_terms"] else " — " + ", ".join(report["unused_terms"][:60])))


@framework.command("show")
@framework_option
@library_errors
def framework_show(framework):
    """Print the dimensions and actor types of a framework.

    Example: chanjiao framework show --framework policy_instruments
    """
    from .codebook import load_framework

    fw = load_framework(framework)
    click.echo(f"{fw.name} [{fw.id}] sha256 {fw.sha256[:12]}")
    for d in fw.dimensions:
        click.echo(f"  {d.id:<12} {d.name}  {len(d.terms)} terms in {len(d.categories)} categories")
    for a in fw.actor_types:
        click.echo(f"  actor {a.id:<12} {a.name} {a.name_long}  {len(a.terms)} terms, {len(a.suffixes)} suffixes")


# ---------------------------------------------------------------- classification


@cli.command()
@inputs_argument
@click.option("--unit", type=click.Choice(["sentence", "paragraph", "document"]), default="paragraph", show_default=True, help="Unit to classify.")
@output_options(_FORMATS_TABLE, default="table")
@record_options
@click.option("--model", default=None, help="Model directory, or 'lexicon' for the lexicon scorer (default: the bundled model).")
@framework_option
@library_errors
def classify(inputs, unit, fmt, output, text_field, id_field, model, framework):
    """Code each unit on the framework's dimensions, with scores, evidence and actors.

    Example: chanjiao classify notice.docx --format table
    """
    from .classify import classify_documents
    from .codebook import load_framework
    from .io import write_rows

    fw = load_framework(framework)
    docs, failures = _documents(inputs, text_field, id_field)
    rows = classify_documents(docs, unit=unit, model=model, framework=framework)
    if fmt == "table":
        names = {d: f"{fw.label(d)}" for d in fw.dimension_ids}

        def table_rows():
            for r in rows:
                row = {"id": r["id"], "text": r["text"]}
                for d in fw.dimension_ids:
                    row[names[d]] = ("✔ " if d in r["labels"] else "  ") + f"{r['scores'][d]:.2f}"
                row["主体 actors"] = " ".join(sorted({fw.label(a['type']) for a in r["actors"]}))
                yield row

        n = write_rows(table_rows(), output, fmt="table")
    elif fmt == "jsonl":
        n = write_rows(rows, output, fmt=fmt)
    else:
        def flat():
            for r in rows:
                out = {k: r[k] for k in ("id", "doc_id", "para_idx", "sent_idx", "start", "end", "text")}
                for d in fw.dimension_ids:
                    out[f"score_{d}"] = r["scores"][d]
                    out[f"label_{d}"] = int(d in r["labels"])
                out["labels"] = ";".join(r["labels"])
                out["actors"] = r["actors"]
                out["evidence"] = r["evidence"]
                yield out

        n = write_rows(flat(), output, fmt=fmt)
    _finish(n, failures, f"{unit} units", output)


@cli.command()
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output", default="models/default", show_default=True, type=click.Path(file_okay=False), help="Model directory to write.")
@framework_option
@click.option("--cv", type=int, default=5, show_default=True, help="Folds for choosing the blend weight and thresholds.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@library_errors
def train(labels, output, framework, cv, seed):
    """Train the default model on the label file's train split; report held-out metrics.

    Example: chanjiao train corpus/labels/labels.csv -o models/default
    """
    from .training import train_model

    card = train_model(labels, output, framework=framework, cv=cv, random_state=seed)
    click.echo(json.dumps(card["metrics"]["summary"], ensure_ascii=False, indent=2))
    click.echo(f"model → {output}", err=True)


@cli.command()
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--model", default=None, help="Model directory or 'lexicon' (default: the bundled model).")
@framework_option
@click.option("--cv", type=int, default=0, help="Instead of scoring a saved model: K-fold cross-validation of a new one on all rows.")
@click.option("--split", default="test", show_default=True, help="Rows of this split are scored ('all' for every row).")
@click.option("--errors", "errors_out", type=click.Path(dir_okay=False), default="evaluation_errors.csv", show_default=True, help="CSV of the misclassified units, to read.")
@library_errors
def evaluate(labels, model, framework, cv, split, errors_out):
    """Per-dimension P/R/F1, macro-F1, Cohen's κ against the human codes, co-label confusion.

    Example: chanjiao evaluate corpus/labels/labels.csv --errors errors.csv
    """
    from .training import evaluate_model

    report = evaluate_model(labels, model=model, framework=framework, cv=cv, split=split, errors_path=errors_out)
    click.echo(format_metrics(report))
    click.echo(f"errors → {errors_out}", err=True)


def format_metrics(report: dict) -> str:
    lines = [f"units: {report['n']}   macro-F1: {report['macro_f1']:.3f}   exact match: {report['exact_match']:.3f}",
             f"{'dimension':<12}{'P':>7}{'R':>7}{'F1':>7}{'κ':>7}{'n':>6}"]
    for d, m in report["per_dimension"].items():
        lines.append(f"{d:<12}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['kappa']:>7.3f}{m['support']:>6}")
    dims = list(report["co_label_confusion"])
    lines.append("co-label confusion (rows: human code, columns: predicted):")
    lines.append(" " * 12 + "".join(f"{d[:9]:>10}" for d in dims))
    for d in dims:
        lines.append(f"{d:<12}" + "".join(f"{report['co_label_confusion'][d][e]:>10}" for e in dims))
    return "\n".join(lines)


@cli.command()
@click.argument("coder_a", type=click.Path(exists=True, dir_okay=False))
@click.argument("coder_b", type=click.Path(exists=True, dir_okay=False))
@library_errors
def agreement(coder_a, coder_b):
    """Inter-coder agreement per dimension: Cohen's κ, Krippendorff's α, percent agreement.

    Example: chanjiao agreement corpus/labels/labels.csv corpus/labels/coders/c4_overlap.csv
    """
    from .evaluate import agreement as agree

    r = agree(coder_a, coder_b)
    click.echo(f"units coded by both: {r['n']}")
    click.echo(f"{'dimension':<12}{'kappa':>8}{'alpha':>8}{'agree%':>8}{'A=1':>6}{'B=1':>6}")
    for d, m in r["per_dimension"].items():
        click.echo(f"{d:<12}{m['kappa']:>8.3f}{m['alpha']:>8.3f}{m['percent']:>8.1f}{m['n_a']:>6}{m['n_b']:>6}")
    click.echo(f"mean kappa: {r['mean_kappa']:.3f}")


# ---------------------------------------------------------------- batch


@cli.command()
@inputs_argument
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder (dataset).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: the machine's cores).")
@click.option("--engine", "engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="Execution engine.")
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask); default: a LocalCluster.")
@framework_option
@click.option("--model", default=None, help="Model directory or 'lexicon' (default: the bundled model).")
@record_options
@click.option("--formats", default="parquet", show_default=True, help="Comma-separated extra copies: parquet,csv,xlsx.")
@click.option("--segmenter", "segmenter", type=click.Choice(["rjieba", "jieba"]), default="rjieba", show_default=True, help="Segmentation engine.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any input failed.")
@click.option("--chunk-size", type=int, default=16, show_default=True,
              help="Files per work item; records per slice of a record file (slices also end near 100,000 characters).")
@library_errors
def run(inputs, outdir, workers, engine, scheduler, framework, model, text_field, id_field, formats, segmenter, strict, chunk_size):
    """Run the whole pipeline over files/folders into an analysable dataset (resumable).

    Example: chanjiao run corpus/sample -o out/sample
    """
    from .run import run_pipeline

    summary = run_pipeline(
        inputs, outdir, workers=workers, engine=engine, scheduler=scheduler, framework=framework, model=model,
        text_field=text_field, id_field=id_field, formats=[f.strip() for f in formats.split(",") if f.strip()],
        segmenter=segmenter, chunk_size=chunk_size, progress=sys.stderr.isatty(), log=lambda m: click.echo(m, err=True),
    )
    click.echo(summary["table"])
    if summary["ok"] == 0 or (strict and summary["failed"]):
        sys.exit(1)


# ---------------------------------------------------------------- research outputs


@cli.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@framework_option
@click.option("--title", default=None, help="Report title.")
@library_errors
def report(source, output, framework, title):
    """Self-contained HTML report: profiles, evidence highlighted by dimension, actors by type.

    SOURCE is a `chanjiao run` folder, or files/folders (they are run first).

    Example: chanjiao report out/sample -o report.html
    """
    from .report import write_report

    path = write_report(source, output, framework=framework, title=title)
    click.echo(f"report → {path}", err=True)


@cli.command()
@click.argument("groups", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--run", "run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Compare documents of this run folder split by --by instead of two folders.")
@click.option("--by", default=None, help="Documents column that splits the run (issuer, source, year, …).")
@click.option("--values", default=None, help="The two values of --by to compare, comma-separated.")
@framework_option
@click.option("--alpha", type=float, default=0.5, show_default=True, help="Weight α of group A in T = αU₁ + βU₂.")
@click.option("--beta", type=float, default=0.5, show_default=True, help="Weight β of group B.")
@click.option("-o", "--output", "output", default=None, type=click.Path(dir_okay=False), help="Write all tables to this .xlsx or .json file.")
@click.option("--plot", "plot", default=None, type=click.Path(dir_okay=False), help="Radar chart of the two profiles (.png/.svg; needs chanjiao[plots]).")
@library_errors
def compare(groups, run_dir, by, values, framework, alpha, beta, output, plot):
    """Compare two groups of documents on the framework: profiles, coupling-coordination (C, T, D),
    distinctive terms per dimension (G²), actor types and roles.

    Example: chanjiao compare policies/cluster policies/consortium --plot radar.png
    or: chanjiao compare --run out/sample --by source --values 江川市教育局,青禾县人民政府
    """
    from .analysis import Analysis, analyze, compare_analyses

    if run_dir is not None:
        if not by:
            raise click.UsageError("--run needs --by COLUMN")
        pair = tuple(values.split(",", 1)) if values else None
        result = Analysis.load(run_dir, framework=framework).compare(by=by, groups=pair, alpha=alpha, beta=beta)
        names = tuple(result["profiles"].columns)
    else:
        if len(groups) != 2:
            raise click.UsageError("give two folders (GROUP_A GROUP_B), or --run DIR --by COLUMN")
        a, b = (analyze([g], framework=framework) for g in groups)
        names = (groups[0].name or "A", groups[1].name or "B")
        result = compare_analyses(a, b, names=names, alpha=alpha, beta=beta)
    click.echo("dimension profiles (share of paragraphs) and coupling-coordination:")
    click.echo(result["profiles"].join(result["coupling"][["C", "T", "D"]]).round(3).to_string())
    click.echo("\ndistinctive terms (G², positive: more in the first group):")
    click.echo(result["keyness"].to_string(index=False) if len(result["keyness"]) else "(none)")
    click.echo("\nactor mentions by type:")
    click.echo(result["actors"].to_string())
    if output:
        _write_tables(result, output)
        click.echo(f"tables → {output}", err=True)
    if plot:
        from .plots import plot_profile_radar, save_figure

        fig = plot_profile_radar({n: result["profiles"][n].to_dict() for n in names}, framework=framework)
        save_figure(fig, plot)
        click.echo(f"radar → {plot}", err=True)


def _write_tables(tables: dict, output: str) -> None:
    import pandas as pd

    if output.endswith(".json"):
        Path(output).write_text(json.dumps({k: json.loads(v.to_json(orient="split", force_ascii=False)) for k, v in tables.items()},
                                           ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with pd.ExcelWriter(output) as writer:
        for name, df in tables.items():
            df.to_excel(writer, sheet_name=name[:31])


@cli.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--qdpx", "qdpx", required=True, type=click.Path(dir_okay=False), help="REFI-QDA project file to write.")
@framework_option
@library_errors
def export(run_dir, qdpx, framework):
    """Export documents and their machine coding as a REFI-QDA project (NVivo, MAXQDA, ATLAS.ti).

    Example: chanjiao export out/sample --qdpx sample.qdpx
    """
    from .qda import export_qdpx

    summary = export_qdpx(run_dir, qdpx, framework=framework)
    click.echo(f"{summary} → {qdpx}", err=True)
