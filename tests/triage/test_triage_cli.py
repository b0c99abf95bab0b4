"""`yzyh triage …` formats (CliRunner on the main entry point)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from yizuyihui.cli import main
from yizuyihui.triage.routing import CATEGORIES, DEFAULT_TRAIN_CSV


def _write(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def labelled_rows() -> list[dict[str, str]]:
    with DEFAULT_TRAIN_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))[:40]


def test_predict_format(tmp_path, labelled_rows):
    src = _write(tmp_path / "in.csv", ["留言编号", "留言主题", "留言时间", "留言详情", "extra"],
                 [[r["留言编号"], r["留言主题"], r["留言时间"], r["留言详情"], "x"] for r in labelled_rows], bom=True)
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["triage", "predict", "--input", str(src), "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = _read(out)
    assert rows[0] == ["留言编号", "一级标签", "confidence"]
    assert [r[0] for r in rows[1:]] == [r["留言编号"] for r in labelled_rows]
    for _, label, conf in rows[1:]:
        assert label in CATEGORIES
        assert 0.0 <= float(conf) <= 1.0


def test_evaluate_last_line(tmp_path, labelled_rows):
    src = _write(tmp_path / "in.csv", ["留言编号", "留言主题", "留言详情", "一级标签"],
                 [[r["留言编号"], r["留言主题"], r["留言详情"], r["一级标签"]] for r in labelled_rows])
    res = CliRunner().invoke(main, ["triage", "evaluate", "--input", str(src)])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert re.fullmatch(r"macro-F1: [01]\.\d{3}", lines[-1])
    assert any(line.startswith("accuracy: ") for line in lines)
    assert float(lines[-1].split()[-1]) > 0.9  # training messages: the model has seen them


def test_hotspots_format(tmp_path):
    rows = []
    for i, t in enumerate(["魅力之城小区烧烤摊油烟噪音扰民", "投诉魅力之城小区烧烤夜宵油烟扰民", "魅力之城小区楼下烧烤油烟噪音太大",
                           "公交车线路太少，希望增开", "学校乱收补课费", "伊景园滨河苑捆绑销售车位", "投诉伊景园滨河苑捆绑销售车位问题"]):
        rows.append([str(100 + i), t, f"2019-0{1 + i}-01 10:00:00", t + "。", "3" if i < 3 else "0", "1"])
    src = _write(tmp_path / "in.csv", ["留言编号", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"], rows)
    out = tmp_path / "hot.csv"
    res = CliRunner().invoke(main, ["triage", "hotspots", "--input", str(src), "--top", "2", "--output", str(out)])
    assert res.exit_code == 0, res.output
    got = _read(out)
    assert got[0] == ["rank", "label", "留言编号"]
    assert {r[0] for r in got[1:]} == {"1", "2"}
    assert {r[2] for r in got[1:] if r[0] == "1"} == {"100", "101", "102"}
    assert {r[2] for r in got[1:] if r[0] == "2"} == {"105", "106"}
    assert all(r[1] for r in got[1:])


def test_missing_column_and_file_are_clear_errors(tmp_path):
    src = _write(tmp_path / "in.csv", ["留言编号", "留言主题"], [["1", "x"]])
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["triage", "predict", "--input", str(src), "--output", str(out)])
    assert res.exit_code == 2 and "留言详情" in res.output
    assert not out.exists()
    res = CliRunner().invoke(main, ["triage", "hotspots", "--input", str(tmp_path / "nope.csv"), "--top", "3",
                                    "--output", str(out)])
    assert res.exit_code == 2 and "does not exist" in res.output
    assert not out.exists()
    res = CliRunner().invoke(main, ["triage", "evaluate", "--input", str(src)])
    assert res.exit_code == 2 and "一级标签" in res.output


def test_bench_is_registered():
    res = CliRunner().invoke(main, ["bench", "triage", "--help"])
    assert res.exit_code == 0, res.output
