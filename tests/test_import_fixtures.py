"""Real published notices, in the forms they come in, import to drafts that `minshi validate`
accepts, with every lead unit and every target the notice sets (checked against a list read by
hand from the notice, kept beside it as <slug>.expected.yaml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, Invoke

NOTICES = FIXTURES / "notices"
CASES = [
    ("dazhu_2016.txt", "dazhu_2016"),  # 四川 大竹县: a table copied one cell per paragraph
    ("chengdu_2023.txt", "chengdu_2023"),  # 四川 成都: numbered paragraphs (牵头单位:…)
    ("jianli_2022.txt", "jianli_2022"),  # 湖北 监利: (牵头单位:…;责任单位:…)
    ("deyang_2025.txt", "deyang_2025"),  # 四川 德阳: 责任单位: … 完成时限: … in the paragraph
    ("linan_2022.html", "linan_2022"),  # 浙江 临安: a page's table with rowspan, nested tags
    ("zhaoyuan_2022.html", "zhaoyuan_2022"),  # 山东 招远: a 类别 column merged down
    ("zhonglou_2021.docx", "zhonglou_2021"),  # 江苏 钟楼: 项目名称 merged over several rows
    ("jiangshan_2023.xlsx", "jiangshan_2023"),  # 浙江 江山: a sheet with wrapped headers, 投资
    ("dazhu_2016.pdf", "dazhu_2016_pdf"),  # 四川 大竹县: the PDF of the table
]


def _targets(task: dict[str, Any]) -> set[str]:
    return {
        f"{Decimal(str(m['target'])).normalize():f} {m['unit']} {m['comparator']}"
        for m in task["metrics"]
        if m["kind"] != "milestone"
    }


def _deadlines(task: dict[str, Any]) -> list[str]:
    return sorted({str(m["deadline"]) for m in task["metrics"] if "deadline" in m})


@pytest.mark.parametrize(("name", "slug"), CASES, ids=[c[0] for c in CASES])
def test_each_notice_imports_to_what_it_says(
    cli: Invoke, tmp_path: Path, name: str, slug: str
) -> None:
    out = tmp_path / "draft.yaml"
    result = cli("import-notice", str(NOTICES / name), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {out}: ")
    assert cli("validate", str(out)).exit_code == 0
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    expected = yaml.safe_load((NOTICES / f"{slug}.expected.yaml").read_text(encoding="utf-8"))
    assert len(draft["tasks"]) == expected["tasks"]
    tasks = {t["id"]: t for t in draft["tasks"]}
    for task_id, want in expected["expected"].items():
        task = tasks[task_id]
        assert task["lead"] == want["lead"], task_id
        assert _targets(task) == set(want["targets"]), task_id
        if "deadlines" in want:
            assert _deadlines(task) == [str(d) for d in want["deadlines"]], task_id
        if "investment" in want:
            assert Decimal(str(task["investment_plan"])) == want["investment"], task_id


def test_every_fixture_names_its_source_in_its_first_line() -> None:
    for name, _slug in CASES:
        path = NOTICES / name
        if path.suffix in (".txt", ".html"):
            head = path.read_text(encoding="utf-8").splitlines()[0]
            assert "来源：http" in head, name


def test_review_items_name_the_line_they_come_from(cli: Invoke, tmp_path: Path) -> None:
    path = NOTICES / "dazhu_2016.txt"
    result = cli("import-notice", str(path), "-o", str(tmp_path / "d.yaml"))
    assert f"  {path}:40: task 2: 完成时限 “9月投入使用” was read as 2016-09-30" in result.stderr
    assert f"  {path}: no 市级/区级 heading above the tasks" in result.stderr


def test_a_notice_without_its_own_details_says_what_to_fill_in(cli: Invoke) -> None:
    result = cli("import-notice", str(NOTICES / "chengdu_2023.txt"))
    assert result.exit_code == 0
    draft = yaml.safe_load(result.stdout)
    assert draft["notice"]["title"] == "成都市2023年民生实事工作目标"
    assert draft["notice"]["doc_number"] == "（未注明文号）"
    assert "notice.doc_number: no document number (文号) found; write it in" in draft["review"]


def test_check_a_reviewed_draft_against_the_notice(cli: Invoke, tmp_path: Path) -> None:
    notice, draft = NOTICES / "dazhu_2016.txt", tmp_path / "dazhu.yaml"
    assert cli("import-notice", str(notice), "-o", str(draft)).exit_code == 0
    same = cli("import-notice", str(notice), "--check", str(draft))
    assert (same.exit_code, same.stdout) == (0, "")
    assert same.stderr == f"{draft}: says what the notice says\n"
    # the notice is revised: task 9 now renovates 3000 户, task 10 is dropped
    revised = tmp_path / "dazhu_revised.txt"
    text = notice.read_text(encoding="utf-8").replace("2836户", "3000户")
    revised.write_text(text[: text.index("\n10\n")], encoding="utf-8")
    changed = cli("import-notice", str(revised), "--check", str(draft))
    assert changed.exit_code == 1
    assert changed.stdout.splitlines() == [
        f"{draft}: task 9: name: “完成棚户区改造2836户。” → “完成棚户区改造3000户。”",
        f"{draft}: task 9: target_text: “完成棚户区改造2836户。” → “完成棚户区改造3000户。”",
        f"{draft}: task 9: target 2836 户 >= is no longer in the notice",
        f"{draft}: task 9: target 3000 户 >= is new in the notice",
        f"{draft}: task 10: no longer in the notice: 城区再新建1个农贸市场。",
    ]
    assert changed.stderr == "5 differences\n"


def test_check_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    result = cli(
        "import-notice", str(NOTICES / "dazhu_2016.txt"), "--check", "x.yaml", "-o", "y.yaml"
    )
    assert result.exit_code == 2
    assert "--check compares and writes nothing" in result.stderr


def test_overwrite_and_the_older_force(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    out.write_text("old", encoding="utf-8")
    path = str(NOTICES / "deyang_2025.txt")
    refused = cli("import-notice", path, "-o", str(out))
    assert refused.exit_code == 2
    assert "already exists; add --overwrite to replace it" in refused.stderr
    assert cli("import-notice", path, "-o", str(out), "--overwrite").exit_code == 0
    assert cli("import-notice", path, "-o", str(out), "--force").exit_code == 0
    assert "--force" not in cli("import-notice", "--help").stdout


def test_files_that_are_not_files(cli: Invoke, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = cli("import-notice", str(fifo))
    assert (result.exit_code, result.stderr) == (
        2,
        f"minshi: error: {fifo}: not a regular file; import a saved notice file\n",
    )
    zero = cli("import-notice", "/dev/zero")
    assert zero.exit_code == 2
    assert "not a regular file" in zero.stderr


def test_a_large_page_is_read_whole(cli: Invoke, tmp_path: Path) -> None:
    """A 15 MB page (web-copied tables, deep filler) is read to the end: a draft or a clear
    refusal, never a hang. (How long it takes is measured by bench/run.py, not asserted.)"""
    page = (NOTICES / "linan_2022.html").read_text(encoding="utf-8")
    filler = "<div><p><span>&nbsp;说明文字</span></p></div>\n" * 4000
    wide = "<table>" + '<tr><td rowspan="2">甲</td>' + "<td>乙</td>" * 50 + "</tr>\n"
    big = page + wide * 3000 + "</table>" + filler * 65
    path = tmp_path / "big.html"
    path.write_text(big, encoding="utf-8")
    assert 14 * 1024 * 1024 < path.stat().st_size < 20 * 1024 * 1024
    result = cli("import-notice", str(path), "-o", str(tmp_path / "big.yaml"))
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
