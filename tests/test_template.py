"""progress template → filled in → progress import: the monthly round in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import Invoke

CITY = "区城市管理局"
SHEET = "进度填报"


def make_template(cli: Invoke, *args: str) -> Path:
    result = cli("progress", "template", "--lead", CITY, "--as-of", "2024-06-30", *args)
    assert result.exit_code == 0, result.stderr
    return Path(f"{CITY}-2024-06.xlsx")


def columns(ws: Any) -> dict[str, int]:
    """Column numbers by the CSV name in the hidden row above the data."""
    return {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value}


def row_of(ws: Any, task: int, metric: str) -> int:
    cols = columns(ws)
    for r in range(5, ws.max_row + 1):
        if (ws.cell(r, cols["task"]).value, ws.cell(r, cols["metric"]).value) == (task, metric):
            return r
    raise AssertionError(f"no row for task {task} {metric}")


def fill(path: Path, cells: dict[tuple[int, str, str], object], out: Path | None = None) -> Path:
    """Type values into the template as a clerk would: (task, metric key, column) → value."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    cols = columns(ws)
    for (task, metric, column), value in cells.items():
        ws.cell(row_of(ws, task, metric), cols[column]).value = value
    target = out or path
    wb.save(target)
    return target


def metric(cli: Invoke, task: str, key: str) -> dict[str, Any]:
    record = json.loads(cli("show", task, "--as-of", "2024-06-30", "--format", "json").stdout)
    found: dict[str, Any] = next(m for m in record["metrics"] if m["key"] == key)
    return found


def test_a_filled_in_template_goes_into_the_journal(cli: Invoke) -> None:
    cli("progress", "update", "6", "--metric", "窨井盖", "--value", "120", "--date", "2024-05-31")
    path = make_template(cli)
    assert path.exists()

    ws = openpyxl.load_workbook(path)[SHEET]
    assert ws.cell(1, 1).value.endswith(f"进度填报表（{CITY}）")
    current = row_of(ws, 6, "窨井盖")
    assert [ws.cell(current, c).value for c in range(3, 8)] == [
        "窨井盖专项整治",
        500,
        "个",
        120,
        datetime(2024, 5, 31),
    ]

    fill(
        path,
        {
            (5, "街头绿地", "value"): 1,
            (5, "街头绿地", "date"): date(2024, 6, 28),  # a real Excel date
            (5, "街头绿地", "note"): "长江路街头绿地已完工",
            (6, "窨井盖", "value"): "260",  # a number typed as text
            (6, "窨井盖", "date"): "2024/6/30",  # a date typed as text
            (19, "江南水厂", "done"): "是",
            (19, "江南水厂", "date"): date(2024, 6, 30),
        },
    )
    result = cli("progress", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"imported 3 rows from {path} (entries 2–4)\n"

    green = metric(cli, "5", "街头绿地")
    assert (green["actual"], green["last_reported"]) == (1, "2024-06-28")
    covers = metric(cli, "6", "窨井盖")
    assert (covers["actual"], covers["last_reported"]) == (260, "2024-06-30")
    assert metric(cli, "19", "江南水厂")["status"] == "done"
    task5 = json.loads(cli("show", "5", "--format", "json").stdout)
    assert task5["note"] == "长江路街头绿地已完工"


def test_bad_cells_refuse_the_whole_file_naming_sheet_and_cell(cli: Invoke) -> None:
    cli("progress", "update", "6", "--value", "2", "--date", "2024-05-31")
    path = fill(
        make_template(cli),
        {
            (5, "街头绿地", "value"): 1,  # fine on its own
            (5, "街头绿地", "date"): date(2024, 6, 28),
            (5, "绿地面积", "value"): "abc",
            (6, "监测系统", "value"): 3,
            (6, "监测系统", "date"): "2024-02-30",
            (6, "窨井盖", "value"): -3,
        },
    )
    before = cli("progress", "export").stdout
    result = cli("progress", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"minshi: error: {path}: 3 bad rows; nothing was imported",
        f"  {SHEET}!L6: value 'abc' is not a number; write digits, e.g. 40",
        f"  {SHEET}!M9: date '2024-02-30' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)",
        f"  {SHEET}!L10: value '-3' is negative; progress is counted from 0 up",
    ]
    assert cli("progress", "export").stdout == before


def test_only_the_input_cells_are_unlocked_and_the_sheet_is_protected(cli: Invoke) -> None:
    ws = openpyxl.load_workbook(make_template(cli))[SHEET]
    cols = columns(ws)
    assert ws.protection.sheet is True
    assert ws.freeze_panes == "D5"
    assert ws.row_dimensions[4].hidden  # the row of CSV names
    for key in ("notice", "task", "metric"):
        letter = openpyxl.utils.get_column_letter(cols[key])
        assert ws.column_dimensions[letter].hidden, key

    unlocked = {
        (ws.cell(r, c).coordinate)
        for r in range(1, ws.max_row + 1)
        for c in range(1, ws.max_column + 1)
        if not ws.cell(r, c).protection.locked
    }
    quantity, milestone = row_of(ws, 5, "街头绿地"), row_of(ws, 19, "江南水厂")
    second = row_of(ws, 5, "绿地面积")

    def cell(row: int, key: str) -> str:
        return str(ws.cell(row, cols[key]).coordinate)

    money = ("invested", "allocated", "paid")
    expected = {cell(quantity, k) for k in ("value", "date", "note", *money)}
    expected |= {cell(second, k) for k in ("value", "date", "note")}  # money: first row only
    expected |= {cell(milestone, k) for k in ("date", "done", "percent", "stage", *money)}
    expected |= {cell(milestone, "note")}
    assert expected <= unlocked
    rows = {quantity, second, milestone}
    assert {c for c in unlocked if ws[c].row in rows} == expected
    assert all(ws[c].row >= 5 for c in unlocked)  # title, header and ids stay locked

    value_rule = next(
        dv for dv in ws.data_validations.dataValidation if cell(quantity, "value") in dv.sqref
    )
    assert (value_rule.type, value_rule.operator, value_rule.formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    date_rule = next(
        dv for dv in ws.data_validations.dataValidation if cell(quantity, "date") in dv.sqref
    )
    assert (date_rule.type, date_rule.formula1, date_rule.formula2) == (
        "date",
        "DATE(2024,1,1)",
        "TODAY()",
    )


def test_a_split_target_shows_only_the_units_own_part(cli: Invoke) -> None:
    keys = {}
    for unit in ("区农业农村委", "区供销合作社"):
        out = Path(f"{unit}.xlsx")
        assert cli("progress", "template", "--lead", unit, "-o", str(out)).exit_code == 0
        ws = openpyxl.load_workbook(out)[SHEET]
        cols = columns(ws)
        keys[unit] = [
            (ws.cell(r, cols["task"]).value, ws.cell(r, cols["metric"]).value)
            for r in range(5, ws.max_row + 1)
        ]
    assert keys["区农业农村委"] == [(11, "农业农村委承担")]
    assert keys["区供销合作社"] == [(11, "供销合作社承担")]


def test_text_from_the_data_that_looks_like_a_formula_stays_text(
    cli: Invoke, data_file: Path
) -> None:
    text = data_file.read_text(encoding="utf-8")
    text = text.replace("name: 实施城市绿荫工程", 'name: \'=HYPERLINK("http://x","绿荫")\'')
    text = text.replace("name: 建设山城绿道,", "name: '+1 山城绿道',")
    data_file.write_text(text, encoding="utf-8")
    cli("progress", "update", "7", "--value", "1", "--note", "@SUM(A1)", "--date", "2024-06-01")
    cli("progress", "update", "6", "--value", "1", "--note", "-2 个未完成", "--date", "2024-06-01")
    path = make_template(cli)

    ws = openpyxl.load_workbook(path)[SHEET]
    found = {
        ws.cell(r, c).value: ws.cell(r, c).data_type
        for r in range(5, ws.max_row + 1)
        for c in range(1, 12)
        if isinstance(ws.cell(r, c).value, str) and ws.cell(r, c).value[:1] in "=+-@"
    }
    assert found == {
        '=HYPERLINK("http://x","绿荫")': "s",
        "+1 山城绿道": "s",
        "@SUM(A1)": "s",
        "-2 个未完成": "s",
    }
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("option", ["--overwrite", "--force"])
def test_an_existing_file_is_replaced_only_with_overwrite(cli: Invoke, option: str) -> None:
    """--overwrite says it; --force, which did before, still does (unlisted)."""
    path = make_template(cli)
    path.write_bytes(b"the clerk's filled-in copy")
    again = cli("progress", "template", "--lead", CITY, "--as-of", "2024-06-30")
    assert again.exit_code == 2
    assert again.stderr == f"minshi: error: {path} already exists; add --overwrite to replace it\n"
    assert path.read_bytes() == b"the clerk's filled-in copy"
    make_template(cli, option)
    assert zipfile.is_zipfile(path)


def test_force_is_not_offered_for_overwriting(cli: Invoke) -> None:
    help_text = cli("progress", "template", "--help").stdout
    assert "--overwrite" in help_text and "--force" not in help_text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--lead", "区财政局"], 2, "区财政局 leads no task; a template is for a lead unit"),
        (["--lead", "区城市管局"], 2, "unknown unit '区城市管局'; did you mean 区城市管理局"),
        (["--lead", CITY, "-o", "round.csv"], 2, "round.csv: the template is an Excel file"),
        (["--lead", CITY, "-o", "no/such/dir/x.xlsx"], 3, "cannot write no/such/dir/x.xlsx"),
    ],
)
def test_template_refusals(cli: Invoke, args: list[str], code: int, message: str) -> None:
    result = cli("progress", "template", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"minshi: error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert not list(Path().glob("*.xlsx")) and not list(Path().glob(".*.tmp"))


def test_a_plain_sheet_with_the_csv_header_is_read_too(cli: Invoke, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["notice", "task", "metric", "value", "date", "note"])
    ws.append(["wanzhou-2024", 16, "老旧小区", 40, datetime(2024, 6, 30), "已开工"])
    ws.append([None, None, None, None, None, None])  # a blank row is not a report
    ws.append([None, "2", "需求学生覆盖", 0.95, "2024-06-30", None])
    ws["D4"].number_format = "0%"  # 95% as Excel stores it
    ws.append([None, 16, "改造面积", "12万", "2024-6-30", None])
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    result = cli("progress", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert metric(cli, "16", "老旧小区")["actual"] == 40
    assert metric(cli, "2", "需求学生覆盖")["actual"] == 95
    assert metric(cli, "16", "改造面积")["actual"] == 120000

    ws.append([None, 16, "老旧小区", "四十多", "2024-06-30", None])
    wb.save(path)
    refused = cli("progress", "import", str(path), "--again")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[1].startswith("  Sheet1!D6: value '四十多' is not a number")

    other = openpyxl.Workbook()
    sheet = other.active
    assert sheet is not None
    sheet.append(["task", "amount"])
    sheet.append([16, 40])
    other.save(path)
    wrong = cli("progress", "import", str(path))
    assert wrong.exit_code == 2
    assert "missing value, date; unknown amount" in wrong.stderr


def _encrypted_zip(template: Path, out: Path) -> Path:
    """The template as a zip whose members say they are encrypted (a password-protected zip)."""
    raw = bytearray(template.read_bytes())
    with zipfile.ZipFile(template) as z:
        offsets = [info.header_offset for info in z.infolist()]
        at = z.start_dir  # type: ignore[attr-defined]
    for offset in offsets:  # local headers: flags at byte 6
        raw[offset + 6] |= 0x1
    for _ in offsets:  # central directory entries: flags at byte 8
        assert raw[at : at + 4] == b"PK\x01\x02"
        raw[at + 8] |= 0x1
        name, extra, comment = (
            int.from_bytes(raw[at + i : at + i + 2], "little") for i in (28, 30, 32)
        )
        at += 46 + name + extra + comment
    out.write_bytes(bytes(raw))
    return out


def _truncated(template: Path, out: Path) -> Path:
    out.write_bytes(template.read_bytes()[: template.stat().st_size // 2])
    return out


BROKEN_FILES = {
    "renamed CSV": (
        lambda t, out: out.write_bytes(
            "task,value,date,note\n16,40,2024-06-30,已开工\n".encode("gbk")
        ),
        "a text (CSV?) file",
    ),
    "garbage": (lambda t, out: out.write_bytes(os.urandom(300).replace(b"PK", b"pk")), "not an"),
    "empty": (lambda t, out: out.write_bytes(b""), "the file is empty"),
    "encrypted zip": (_encrypted_zip, "encrypted (password-protected)"),
    "password-protected workbook": (
        lambda t, out: out.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "password-protected or old-style (.xls) workbook",
    ),
    "truncated": (_truncated, "a damaged .xlsx file"),
    "zip of something else": (
        lambda t, out: zipfile.ZipFile(out, "w").close(),
        "a zip file, but not an .xlsx workbook",
    ),
    "corrupt sheet": (
        lambda t, out: _replace_member(t, out, "xl/worksheets/sheet1.xml", b"<worksheet"),
        "not a readable .xlsx workbook",
    ),
}


def _replace_member(template: Path, out: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info))


@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_a_file_that_is_not_a_workbook_is_refused_clearly(
    cli: Invoke, tmp_path: Path, kind: str
) -> None:
    make, message = BROKEN_FILES[kind]
    bad = tmp_path / "进度.xlsx"
    make(make_template(cli), bad)
    before = cli("progress", "export").stdout
    result = cli("progress", "import", str(bad))
    assert result.exit_code == 2, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"minshi: error: {bad}: "), first
    assert message in first
    assert "Traceback" not in result.stderr
    assert cli("progress", "export").stdout == before


def libreoffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        pytest.fail(
            "LibreOffice is needed to check that the template opens outside Excel: "
            "bash scripts/test.sh installs it"
        )
    return found


def convert(source: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    subprocess.run(
        [
            libreoffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    assert converted.exists(), f"LibreOffice did not write {converted}"
    return converted


def test_libreoffice_opens_the_template_and_saves_it_back(cli: Invoke, tmp_path: Path) -> None:
    path = fill(
        make_template(cli),
        {
            (7, "口袋公园", "value"): 2,
            (7, "口袋公园", "date"): date(2024, 6, 30),
            (7, "口袋公园", "note"): "两个口袋公园已建成",
        },
    )
    profile = tmp_path / "lo-profile"  # one profile for both runs: making one takes seconds
    text = convert(path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path, profile)
    rows = list(csv.reader(io.StringIO(text.read_text(encoding="utf-8"))))
    assert rows[0][0].endswith(f"进度填报表（{CITY}）")
    assert rows[2][:3] == ["序号", "项目名称", "指标"]
    pocket = next(r for r in rows if "建设口袋公园" in r)
    assert "两个口袋公园已建成" in pocket and "2024-06-30" in pocket

    # a clerk who works in LibreOffice (or WPS) sends back the file as that program saves it
    saved_by_calc = tmp_path / "calc"
    saved_by_calc.mkdir()
    resaved = convert(path, "xlsx", saved_by_calc, profile)
    result = cli("progress", "import", str(resaved))
    assert result.exit_code == 0, result.stderr
    pocket_parks = metric(cli, "7", "口袋公园")
    assert (pocket_parks["actual"], pocket_parks["last_reported"]) == (2, "2024-06-30")
