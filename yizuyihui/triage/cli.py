"""`yzyh triage …`: train, predict, evaluate, hotspots; `yzyh bench triage`.

No Django needed: these commands use the pure-Python triage modules only.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click

from .csvio import CsvError, read_rows, write_rows


def _in_path(param: str) -> click.Path:
    """Input path type; existence is checked by `_read` so the error names the file clearly."""
    return click.Path(path_type=Path, dir_okay=False)


def _read(path: Path, required: list[str], param: str) -> list[dict[str, str]]:
    if not path.exists():
        raise click.BadParameter(f"file {path} does not exist", param_hint=param)
    try:
        return read_rows(path, required)
    except CsvError as exc:
        raise click.BadParameter(str(exc), param_hint=param) from exc


def _check_output(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="--output")


@click.group()
def triage() -> None:
    """Routing of matters to a first-level category, duplicates and widespread problems."""


@triage.command("train")
@click.option("--input", "input_path", type=_in_path("--input"), default=None,
              help="labelled CSV (留言主题, 留言详情, 一级标签); default: the shipped routing_train.csv")
@click.option("--output", "output_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="artefact to write; default: the shipped yizuyihui/triage/data/routing_model.gz")
@click.option("--unlabelled", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="unlabelled CSV for vocabulary and self-training; default: the shipped unlabelled.csv")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--folds", type=int, default=5, show_default=True, help="cross-validation folds (0: none)")
def train_cmd(input_path, output_path, unlabelled, seed, folds) -> None:
    """Train the routing model (deterministic) and print cross-validated metrics."""
    from . import routing

    input_path = input_path or routing.DEFAULT_TRAIN_CSV
    output_path = output_path or routing.DEFAULT_MODEL_PATH
    unlabelled = unlabelled or routing.DEFAULT_UNLABELLED_CSV
    _read(input_path, ["留言主题", "留言详情", "一级标签"], "--input")
    _check_output(output_path)
    try:
        m = routing.train(train_csv=input_path, out=output_path, seed=seed, unlabelled_csv=unlabelled,
                          cv_folds=folds, progress=lambda s: click.echo(s, err=True))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"labelled: {m['n_labelled']}  unlabelled: {m['n_unlabelled']}  features: {m['n_features']}")
    if "cv_macro_f1" in m:
        click.echo(f"{m['cv_folds']}-fold stratified CV accuracy: {m['cv_accuracy']:.3f}")
        for c, f in m["cv_per_class_f1"].items():
            click.echo(f"  F1 {c}: {f:.3f}")
        click.echo(f"confidence threshold: {m['threshold']:.2f} (temperature {m['temperature']:.2f}); "
                   f"auto-routed {m['cv_auto_share']:.1%} at accuracy {m['cv_auto_accuracy']:.3f}")
    click.echo(f"artefact: {m['artefact']} ({m['artefact_bytes'] / 1e6:.2f} MB, {m['train_seconds']} s)")
    if "cv_macro_f1" in m:
        click.echo(f"CV macro-F1: {m['cv_macro_f1']:.3f}")


@triage.command("retrain")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--folds", type=int, default=5, show_default=True, help="cross-validation folds of the final model")
@click.option("--force", is_flag=True, help="activate the new model even if it is not better")
def retrain_cmd(seed, folds, force) -> None:
    """Train from the shipped data plus staff corrections; activate only if better on a held-back slice."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from . import registry
    from .corrections import read_corrections
    from .learning import retrain

    corrections = read_corrections()
    click.echo(f"corrections: {len(corrections)}", err=True)
    a = retrain(corrections=corrections, seed=seed, cv_folds=folds, force=force,
                progress=lambda m: click.echo(m, err=True))
    c, k = a["candidate"], a["current"]
    click.echo(f"held-back messages: {a['n_heldout']}  corrections: {a['n_corrections']} "
               f"({a['n_new_corrections']} new)")
    click.echo(f"current (version {a['current_version']}): macro-F1 {k['macro_f1']:.3f}, "
               f"auto-routed {k['auto_share']:.1%} at precision {k['auto_precision']:.3f}")
    click.echo(f"candidate: macro-F1 {c['macro_f1']:.3f}, auto-routed {c['auto_share']:.1%} "
               f"at precision {c['auto_precision']:.3f}")
    if a["accepted"]:
        path = registry.registry_dir() / f"routing_model_v{a['version']}.gz"
        click.echo(f"activated version {a['version']} → {path}")
    else:
        click.echo("kept the current model (the candidate is not better)")


@triage.command("predict")
@click.option("--input", "input_path", type=_in_path("--input"), required=True,
              help="CSV with 留言编号, 留言主题, 留言详情")
@click.option("--output", "output_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="CSV to write: 留言编号, 一级标签, confidence")
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="artefact; default: the shipped one")
def predict_cmd(input_path, output_path, model_path) -> None:
    """Predict the first-level category (一级标签) of each message."""
    from . import routing

    rows = _read(input_path, ["留言编号", "留言主题", "留言详情"], "--input")
    _check_output(output_path)
    model = _model(model_path)
    results = model.routings([routing.message_document(r["留言主题"], r["留言详情"]) for r in rows])
    write_rows(output_path, ["留言编号", "一级标签", "confidence"],
               ([r["留言编号"], res.category, f"{res.confidence:.4f}"] for r, res in zip(rows, results, strict=True)))
    review = sum(res.needs_review for res in results)
    click.echo(f"{len(rows)} messages routed to {output_path}; {review} below the confidence threshold "
               f"{model.threshold:.2f} (needs review)", err=True)


@triage.command("evaluate")
@click.option("--input", "input_path", type=_in_path("--input"), required=True,
              help="CSV with 留言主题, 留言详情 and the true 一级标签")
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False), default=None)
def evaluate_cmd(input_path, model_path) -> None:
    """Accuracy and per-class F1 of the model on a labelled CSV; last line `macro-F1: 0.xxx`."""
    from . import routing

    rows = _read(input_path, ["留言主题", "留言详情", "一级标签"], "--input")
    if not rows:
        raise click.BadParameter(f"{input_path} has no rows", param_hint="--input")
    model = _model(model_path)
    pred = [r.category for r in model.routings(
        [routing.message_document(r["留言主题"], r["留言详情"]) for r in rows])]
    truth = [r["一级标签"].strip() for r in rows]
    rep = routing.classification_report(truth, pred, model.classes)
    click.echo(f"messages: {rep['n']}")
    click.echo(f"accuracy: {rep['accuracy']:.3f}")
    click.echo(f"{'class':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>7}")
    for c, s in rep["per_class"].items():
        if s["support"] or c in set(pred):
            click.echo(f"{c:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['support']:>7d}")
    click.echo(f"macro-F1: {rep['macro_f1']:.3f}")


def _model(model_path):
    from . import routing

    try:
        return routing.load_model(model_path)
    except (FileNotFoundError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--model") from exc


def _parse_time(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _int(value: str) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def items_from_rows(rows: list[dict[str, str]]):
    from .similarity import HotspotItem

    return [
        HotspotItem(
            id=r["留言编号"],
            title=r["留言主题"],
            text=r["留言详情"],
            time=_parse_time(r.get("留言时间", "")),
            support=_int(r.get("点赞数", "0")) - _int(r.get("反对数", "0")),
        )
        for r in rows
    ]


@triage.command("hotspots")
@click.option("--input", "input_path", type=_in_path("--input"), required=True,
              help="CSV with 留言编号, 留言主题, 留言时间, 留言详情 [, 点赞数, 反对数]")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True, help="how many problems")
@click.option("--output", "output_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="CSV to write: rank, label, 留言编号 (one row per member message)")
def hotspots_cmd(input_path, top, output_path) -> None:
    """Group similar messages into widespread problems (民众普遍性问题) and list the top K."""
    from .similarity import cluster_hotspots

    rows = _read(input_path, ["留言编号", "留言主题", "留言时间", "留言详情"], "--input")
    _check_output(output_path)
    t0 = time.perf_counter()
    spots = cluster_hotspots(items_from_rows(rows), top=top)
    write_rows(output_path, ["rank", "label", "留言编号"],
               ([h.rank, h.label, mid] for h in spots for mid in h.member_ids))
    for h in spots:
        click.echo(f"{h.rank}. {h.label} — {h.size} messages (score {h.score:.2f})", err=True)
    click.echo(f"{len(rows)} messages, {len(spots)} problems in {time.perf_counter() - t0:.1f} s → {output_path}",
               err=True)


commands = [triage]


@click.command("triage")
@click.option("--n", "n_messages", type=int, default=5000, show_default=True, help="messages for hotspots")
@click.option("--cv/--no-cv", default=True, show_default=True, help="re-run 5-fold CV (trains; slow)")
def bench_triage(n_messages: int, cv: bool) -> None:
    """Routing CV macro-F1, messages/s, model load time; hotspots time on N messages."""
    import subprocess
    import sys
    import tempfile

    from . import routing
    from .csvio import read_rows as rr

    code = ("import time;t=time.perf_counter();from yizuyihui.triage import routing as r;"
            "m=r.load_model();print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    click.echo(f"model load (fresh process, incl. imports): {float(out.strip().splitlines()[-1]):.3f} s")
    model = routing.load_model()
    labelled = rr(routing.DEFAULT_TRAIN_CSV, ["留言主题", "留言详情"])
    unl = rr(routing.DEFAULT_UNLABELLED_CSV, ["留言编号", "留言主题", "留言时间", "留言详情"])
    texts = [r["留言主题"] + "。" + r["留言详情"] for r in labelled + unl]
    t0, c0 = time.perf_counter(), time.process_time()
    routing.route_many(texts)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    click.echo(f"routing: {len(texts)} messages in {dt:.2f} s = {len(texts) / dt:,.0f} messages/s "
               f"(CPU time {dc:.2f} s = {len(texts) / dc:,.0f} messages/s per busy core)")
    if cv:
        with tempfile.TemporaryDirectory() as tmp:
            m = routing.train(out=Path(tmp) / "m.gz")
        click.echo(f"5-fold CV macro-F1: {m['cv_macro_f1']:.3f} (accuracy {m['cv_accuracy']:.3f}; "
                   f"training incl. CV {m['train_seconds']} s)")
    else:
        click.echo(f"5-fold CV macro-F1 (recorded at training): {model.metrics.get('cv_macro_f1', float('nan')):.3f}")
    items = items_from_rows(_bench_rows(unl, labelled, n_messages))
    from .similarity import cluster_hotspots

    t0, c0 = time.perf_counter(), time.process_time()
    spots = cluster_hotspots(items, top=10)
    click.echo(f"hotspots: {len(items)} messages in {time.perf_counter() - t0:.2f} s "
               f"(CPU {time.process_time() - c0:.2f} s); "
               f"top: {', '.join(f'{h.label} ({h.size})' for h in spots[:5])}")


def _bench_rows(unl, labelled, n):
    """n messages: the unlabelled and labelled messages, topped up with lightly altered copies."""
    rows = [dict(r) for r in unl]
    for r in labelled:
        rows.append({"留言编号": r.get("留言编号", ""), "留言主题": r["留言主题"], "留言时间": r.get("留言时间", ""),
                     "留言详情": r["留言详情"]})
    base = list(rows)
    k = 0
    while len(rows) < n:
        r = base[k % len(base)]
        rows.append({"留言编号": f"copy{k}", "留言主题": "再次反映：" + r["留言主题"], "留言时间": r["留言时间"],
                     "留言详情": r["留言详情"][::-1][:200][::-1]})
        k += 1
    return rows[:n]


bench_commands = [bench_triage]
