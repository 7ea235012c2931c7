"""minshi circular: the monthly 督查通报 of the plan notice (tests/fixtures/plan_2024.yaml) in June
2024, in every format: the words, the ranking and its rule, byte for byte the same for a fixed
date, the Word file opened by LibreOffice and the page rendered by Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from minshi.config import Escalation
from minshi.render.circular import render_circular
from minshi.report import Returned, build_circular
from tests.conftest import FIXTURES, Invoke
from tests.test_report_html import headless, pixels
from tests.test_schedule import plan as plan  # the fixture: the plan notice and its reports

pytestmark = pytest.mark.usefixtures("plan")

RULES = "连续滞后1个月，督促整改；连续滞后2个月，约谈单位主要负责人；连续滞后3个月及以上，通报批评"
# the circular for June, read line by line against the figures of tests/test_schedule.py
JUNE = (FIXTURES / "circular_2024-06.txt").read_text(encoding="utf-8")


def circular(cli: Invoke, *args: str) -> str:
    result = cli("circular", "--month", "2024-06", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_june_circular_in_text(cli: Invoke) -> None:
    assert circular(cli) == JUNE
    assert cli("circular", "--as-of", "2024-06-30").stdout == JUNE
    assert cli("circular", "--month", "2024年6月").stdout == JUNE


def test_the_month_before_by_default(cli: Invoke) -> None:
    """Today is past the notice's year: the month before this one is later than its period,
    and everything not done is overdue."""
    text = cli("circular").stdout
    last = date.today().replace(day=1) - timedelta(days=1)
    assert text.splitlines()[1] == f"（{last.year}年{last.month}月）"
    assert "逾期未完成" in text


def test_markdown(cli: Invoke) -> None:
    text = circular(cli, "--format", "markdown")
    assert text.startswith("# 计划区2024年重点民生实事推进情况督查通报\n\n（2024年6月）\n")
    head = ["名次", "单位", "滞后指标", "其中逾期及严重滞后", "连续滞后月数", "应采取措施"]
    assert "| " + " | ".join([*head, "本月未报送", "被退回"]) + " |" in text
    assert "| 1 | 区生态环境局 | 1 | 1 | 5个月 | 通报批评 | 2 | 0 |" in text
    assert "### （四）区城市管理局：连续4个月滞后，应通报批评" in text
    assert text.endswith(f"## 四、处置规则\n\n{RULES}\n")


def test_json(cli: Invoke) -> None:
    record = json.loads(circular(cli, "--format", "json"))
    assert (record["month"], record["as_of"], record["since"]) == (
        "2024-06",
        "2024-06-30",
        "2024-06-01",
    )
    assert record["summary"] == "".join(JUNE.splitlines()[4:7])
    assert record["counts"] == {
        "closed": 0,
        "done": 0,
        "ahead": 0,
        "on_track": 2,
        "behind": 1,
        "far_behind": 2,
        "overdue": 0,
        "not_measured": 0,
    }
    assert [(u["rank"], u["unit"], u["lag_months"], u["action"]) for u in record["units"]] == [
        (1, "区生态环境局", 5, "通报批评"),
        (2, "区供销合作社", 5, "通报批评"),
        (3, "区农业农村委", 5, "通报批评"),
        (4, "区城市管理局", 4, "通报批评"),
        (5, "区教委", 0, None),
    ]
    parks = record["units"][3]
    assert [(m["task"], m["key"], m["status"], m["lag_months"]) for m in parks["lagging"]] == [
        (1, "公园", "behind", 4)
    ]
    assert record["units"][4]["not_reported"] == [
        {
            "task": 3,
            "task_name": "建设实验小学",
            "key": "实验小学",
            "name": "建成实验小学",
            "last_reported": "2024-04-15",
        }
    ]
    assert all(u["returned"] == [] for u in record["units"])
    (warned,) = record["early_warnings"]
    assert warned["unit"] == "区住房城乡建委" and warned["early_warnings"][0]["early_warning"]
    assert record["escalation"][1] == {"months": 2, "action": "约谈单位主要负责人", "since": None}


def test_the_office_s_own_rules(cli: Invoke, isolated: Path) -> None:
    (isolated / "minshi.toml").write_text(
        '[[escalation]]\nmonths = 2\naction = "约谈"\n\n'
        '[[escalation]]\nmonths = 1\naction = "通报批评"\nsince = "07-01"\n',
        encoding="utf-8",
    )
    june = circular(cli)
    assert "（四）区城市管理局：连续4个月滞后，应约谈\n" in june
    assert june.endswith(
        "四、处置规则\n  连续滞后2个月及以上，约谈；7月1日起连续滞后1个月及以上，通报批评\n"
    )
    july = cli("circular", "--month", "2024-07").stdout
    assert "区城市管理局：连续5个月滞后，应通报批评" in july  # third quarter: the heavier rule


def test_returned_reports_are_named_under_their_unit(cli: Invoke, isolated: Path) -> None:
    """The builder takes the reports returned to the units (the office's checks record them)."""
    from minshi import open_catalog, open_store

    back = Returned(
        "plan-2024", 1, "公园", 5, date(2024, 6, 30), "与台账不符", date(2024, 7, 2), "督查室"
    )
    with open_store(create=False) as store:
        built = build_circular(
            open_catalog(),
            store,
            date(2024, 6, 30),
            returned=[back],
            escalation=[Escalation(1, "提醒")],
        )
    text = render_circular(built, "text").decode()
    assert "（四）区城市管理局：连续4个月滞后，应提醒\n" in text
    said = "第1项 新建口袋公园：2024-06-30的报送（第5条）于7月2日退回，理由：与台账不符"
    assert f"  被退回的报送（1项）：\n    1. {said}\n" in text
    assert "；1份报送被退回；" in text
    record = json.loads(render_circular(built, "json"))
    assert record["units"][3]["returned"] == [
        {
            "task": 1,
            "key": "公园",
            "entry": 5,
            "date": "2024-06-30",
            "reason": "与台账不符",
            "returned_on": "2024-07-02",
            "by": "督查室",
        }
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "docx"])
def test_the_same_date_gives_the_same_bytes(cli: Invoke, tmp_path: Path, fmt: str) -> None:
    suffix = {"text": "txt", "markdown": "md"}.get(fmt, fmt)
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    for out in (first, second):
        result = cli("circular", "--month", "2024-06", "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert result.stderr == f"wrote {out}\n"
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2024-13"], "--month '2024-13' is not a month (use YYYY-MM, e.g. 2024-06)"),
        (["--month", "2024-06", "--as-of", "2024-06-30"], "give --month or --as-of, not both"),
        (
            ["--month", "2999-01"],
            f"2999-01 has not ended yet (today is {date.today()}); for a circular up to today "
            f"give --as-of {date.today()}",
        ),
        (
            ["--as-of", "2023-12-31"],
            "2023-12-31 is before the period of plan-2024 (2024-01-01 – 2024-12-31): there is "
            "nothing to circulate yet",
        ),
        (
            ["--month", "2024-06", "-o", "x.pdf"],
            "cannot tell the format from the name x.pdf; end it in .txt .md .html .json or .docx, "
            "or add --format",
        ),
        (
            ["--month", "2024-06", "-f", "html", "-o", "x.docx"],
            "--format html does not match the file name x.docx (a .docx file is docx); drop one "
            "of them",
        ),
        (
            ["--as-of", "2024-02-30"],
            "--as-of '2024-02-30' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)",
        ),
    ],
)
def test_mistakes_are_refused(cli: Invoke, args: list[str], message: str) -> None:
    result = cli("circular", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"minshi: error: {message}\n"


def test_a_folder_that_does_not_exist(cli: Invoke, tmp_path: Path) -> None:
    result = cli("circular", "--month", "2024-06", "-o", str(tmp_path / "nowhere" / "c.docx"))
    assert result.exit_code == 3
    folder = tmp_path / "nowhere"
    message = f"cannot write {folder / 'c.docx'}: no folder {folder}"
    assert result.stderr == f"minshi: error: {message}\n"


# ---------------------------------------------------------------------------------------------
# The page and the Word file, escaped and opened for real


def test_the_page_is_self_contained_and_escaped(cli: Invoke, plan: Invoke) -> None:
    note = "<script>alert(1)</script>"
    assert (
        cli(
            "progress", "update", "3", "--stage", "开工", "--note", note, "--date", "2024-06-20"
        ).exit_code
        == 0
    )
    page = circular(cli, "--format", "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|\ssrc=|\shref=", page, re.I)
    assert "@page { size: A4 portrait;" in page
    assert "<h1>计划区2024年重点民生实事推进情况督查通报</h1>" in page
    assert '<li><span class="badge s-behind">滞后</span>第1项 新建口袋公园：' in page
    assert "<td>区生态环境局</td>" in page


def test_a_unit_name_from_the_data_is_escaped(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = isolated / "plan_2024.yaml"
    text = data.read_text(encoding="utf-8").replace("区教委", "区<b>教委</b>")
    data.write_text(text, encoding="utf-8")
    page = circular(cli, "--format", "html")
    assert "区&lt;b&gt;教委&lt;/b&gt;" in page and "<b>" not in page
    assert "区\\<b\\>教委" not in circular(cli, "--format", "markdown")
    assert "区&lt;b&gt;教委&lt;/b&gt;" in circular(cli, "--format", "markdown")


def test_the_word_file_is_a4_with_cjk_fonts_and_dated_from_the_month(
    cli: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "通报.docx"
    assert cli("circular", "--month", "2024-06", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 6, 30, 0, 0, 0)}
        document = archive.read("word/document.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in document  # A4 in twentieths of a point
    assert 'w:eastAsia="方正小标宋简体"' in document and 'w:eastAsia="仿宋_GB2312"' in document
    assert (
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-06-30T00:00:00Z</dcterms:created>' in core
    )
    assert "python-docx" not in core and str(date.today().year) not in core


def test_libreoffice_opens_the_word_file_with_the_unit_table(cli: Invoke, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail("libreoffice is not installed: run .ci/browser.sh (installs libreoffice)")
    source = tmp_path / "通报.docx"
    assert cli("circular", "--month", "2024-06", "-o", str(source)).exit_code == 0
    out = tmp_path / "converted"
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    converted = out / "通报.txt"
    assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
    lines = converted.read_text(encoding="utf-8-sig").splitlines()
    assert lines[:3] == JUNE.splitlines()[:3]
    table = lines[lines.index("名次") :][: 8 * 6]
    rows = [table[i : i + 8] for i in range(0, len(table), 8)]
    assert rows == [
        [
            "名次",
            "单位",
            "滞后指标",
            "其中逾期及严重滞后",
            "连续滞后月数",
            "应采取措施",
            "本月未报送",
            "被退回",
        ],
        ["1", "区生态环境局", "1", "1", "5个月", "通报批评", "2", "0"],
        ["2", "区供销合作社", "1", "1", "5个月", "通报批评", "1", "0"],
        ["3", "区农业农村委", "1", "1", "5个月", "通报批评", "1", "0"],
        ["4", "区城市管理局", "1", "0", "4个月", "通报批评", "0", "0"],
        ["5", "区教委", "0", "0", "—", "—", "1", "0"],
    ]
    assert "（四）区城市管理局：连续4个月滞后，应通报批评" in lines


def test_chromium_renders_the_page(cli: Invoke, tmp_path: Path) -> None:
    page = tmp_path / "通报.html"
    assert cli("circular", "--month", "2024-06", "-o", str(page)).exit_code == 0
    shot = tmp_path / "c.png"
    headless(tmp_path, f"--screenshot={shot}", "--window-size=900,1200", page.as_uri())
    colours = pixels(shot)
    assert colours[(255, 255, 255)] < sum(colours.values()) * 0.95, "the page is (nearly) blank"
    assert colours[(0xFE, 0xE2, 0xE2)] > 50, "no red badge for the far-behind metrics"
    assert colours[(0xFE, 0xF3, 0xC7)] > 50, "no yellow badge for the metric behind"
    pdf = tmp_path / "c.pdf"
    headless(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes()))
    assert boxes and all((round(float(w)), round(float(h))) == (595, 842) for w, h in boxes)
