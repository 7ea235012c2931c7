"""list, show, units, validate, config: the read-only commands, in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Invoke

CITY_MANAGEMENT_LEADS = [5, 6, 7, 9, 19]


def ids(result_stdout: str) -> list[int]:
    return [t["id"] for t in json.loads(result_stdout)]


def test_list_lead_gives_the_tasks_the_unit_leads(cli: Invoke) -> None:
    result = cli("list", "--lead", "区城市管理局", "--format", "json")
    assert result.exit_code == 0
    assert ids(result.stdout) == CITY_MANAGEMENT_LEADS


def test_list_unit_adds_the_tasks_it_cooperates_on(cli: Invoke) -> None:
    result = cli("list", "--unit", "区城市管理局", "-f", "json")
    assert ids(result.stdout) == [5, 6, 7, 9, 10, 15, 16, 17, 19]


def test_list_coop_gives_only_cooperation(cli: Invoke) -> None:
    assert ids(cli("list", "--coop", "区城市管理局", "-f", "json").stdout) == [10, 15, 16, 17]


@pytest.mark.parametrize("spelling", ["区城管局", "城市管理局", "区城市管理局"])
def test_units_match_by_alias_or_unambiguous_part(cli: Invoke, spelling: str) -> None:
    assert ids(cli("list", "--lead", spelling, "-f", "json").stdout) == CITY_MANAGEMENT_LEADS


def test_unknown_unit_is_refused_with_a_suggestion(cli: Invoke) -> None:
    result = cli("list", "--lead", "区城市管局")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "minshi: error: unknown unit '区城市管局'; did you mean 区城市管理局"
    )
    assert "Traceback" not in result.stderr


def test_ambiguous_part_of_a_name_is_refused(cli: Invoke) -> None:
    result = cli("list", "--lead", "区委")
    assert result.exit_code == 2
    assert "matches several units" in result.stderr


def test_filters_combine(cli: Invoke) -> None:
    result = cli(
        "list", "--unit", "区城市管理局", "--category", "区级", "--search", "供水", "-f", "json"
    )
    assert ids(result.stdout) == [19]


def test_category_and_search(cli: Invoke) -> None:
    assert ids(cli("list", "--category", "市级", "-f", "json").stdout) == list(range(1, 12))
    assert ids(cli("list", "--search", "老旧小区", "-f", "json").stdout) == [16]
    bad = cli("list", "--category", "省级")
    assert bad.exit_code == 2 and "unknown category '省级'" in bad.stderr


def test_list_json_has_every_task_and_the_contract_fields(cli: Invoke) -> None:
    tasks = json.loads(cli("list", "--format", "json").stdout)
    assert [t["id"] for t in tasks] == list(range(1, 22))
    task_fields = {
        "id",
        "notice",
        "name",
        "category",
        "lead",
        "cooperating",
        "target_text",
        "status",
    }
    metric_fields = {
        "key",
        "name",
        "kind",
        "target",
        "unit",
        "comparator",
        "deadline",
        "actual",
        "progress",
        "expected",
        "status",
        "last_reported",
    }
    for task in tasks:
        assert task_fields <= set(task)
        assert task["notice"] == "wanzhou-2024"
        assert task["metrics"], task["id"]
        for metric in task["metrics"]:
            assert metric_fields <= set(metric)


def test_show_16_json_starts_with_the_95_estates(cli: Invoke) -> None:
    task = json.loads(cli("show", "16", "--format", "json").stdout)
    first = task["metrics"][0]
    assert (first["target"], first["unit"], first["kind"]) == (95, "个", "quantity")
    assert task["lead"] == ["区住房城乡建委"]
    assert task["metrics"][1]["target"] == 2840000


def test_show_table_has_the_full_target_text_and_units(cli: Invoke) -> None:
    out = cli("show", "16").stdout
    assert "年度工作目标任务：新开工改造老旧小区95个、284万平方米，同步实施外墙砖整治试点" in out
    assert "牵头单位：区住房城乡建委" in out
    assert "区大数据发展局等" in out
    assert "\x1b[" not in out  # not a terminal: no escape codes


def test_show_unknown_task(cli: Invoke) -> None:
    result = cli("show", "22")
    assert result.exit_code == 2
    assert result.stderr == "minshi: error: no task 22 in wanzhou-2024 (tasks are 1–21)\n"
    assert cli("show", "abc").stderr == "minshi: error: 'abc' is not a task number (e.g. 16)\n"


def test_table_aligns_chinese_text(cli: Invoke) -> None:
    from minshi.render.text import width

    lines = cli("list", "--lead", "区城市管理局").stdout.splitlines()
    header, rule, *rows = lines
    # every column starts at the same display position on every row
    starts = [i for i, ch in enumerate(rule) if ch == "─" and (i == 0 or rule[i - 1] == " ")]
    positions = [sum(2 if ord(c) > 0x2E80 else 1 for c in rule[:s]) for s in starts]
    for row in rows:
        for pos in positions[1:]:
            prefix = ""
            for ch in row:
                if width(prefix) >= pos:
                    break
                prefix += ch
            assert width(prefix) == pos, (row, pos)
            assert row[len(prefix) - 1] == " "


def test_csv_has_chinese_headers_and_one_row_per_task(cli: Invoke) -> None:
    out = cli("list", "--lead", "区城市管理局", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["序号"]) for r in rows] == CITY_MANAGEMENT_LEADS
    assert rows[0]["项目名称"] == "实施城市绿荫工程"
    assert not out.startswith("\ufeff")  # stdout is plain UTF-8


def test_markdown_is_a_table(cli: Invoke) -> None:
    out = cli("list", "--lead", "区城市管理局", "--format", "markdown").stdout
    lines = out.splitlines()
    assert lines[0].startswith("| notice | 序号 | 类别 | 项目名称 |")
    assert len(lines) == 2 + len(CITY_MANAGEMENT_LEADS)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_every_listing_command_takes_every_format(cli: Invoke, fmt: str) -> None:
    for args in (["list"], ["show", "11"], ["units"], ["overdue"], ["incomplete"], ["config"]):
        result = cli(*args, "--format", fmt)
        assert result.exit_code == 0, (args, result.stderr)
        if fmt == "json":
            json.loads(result.stdout)


def test_units_lists_leads_and_cooperation(cli: Invoke) -> None:
    units = {u["unit"]: u for u in json.loads(cli("units", "-f", "json").stdout)}
    assert units["区城市管理局"]["lead"] == CITY_MANAGEMENT_LEADS
    assert units["区城市管理局"]["cooperating"] == [10, 15, 16, 17]
    by_name = [u["unit"] for u in json.loads(cli("units", "--sort", "name", "-f", "json").stdout)]
    assert by_name == sorted(by_name)
    assert cli("units", "--sort", "size").exit_code == 2


def test_validate_the_bundled_notice(cli: Invoke, data_file: Path) -> None:
    result = cli("validate")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {data_file} — 1 notice, 21 tasks, ")


def test_validate_reports_every_problem_with_its_line(
    cli: Invoke, tmp_path: Path, data_file: Path
) -> None:
    text = data_file.read_text(encoding="utf-8")
    broken = text.replace("target: 95,", "target: -95,", 1).replace(
        "category: 区级", "category: 省级", 1
    )
    assert broken != text
    bad = tmp_path / "broken.yaml"
    bad.write_text(broken, encoding="utf-8")
    result = cli("validate", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"minshi: error: {bad}: 2 problems found"
    line_95 = next(i for i, s in enumerate(broken.splitlines(), 1) if "target: -95," in s)
    assert any(f"{bad}:{line_95}: task 16 → metrics[0]" in s and "above 0" in s for s in lines)
    line_cat = next(i for i, s in enumerate(broken.splitlines(), 1) if "category: 省级" in s)
    assert any(f"{bad}:{line_cat}: task 12 → category" in s for s in lines)


def test_validate_unknown_field_and_yaml_syntax(
    cli: Invoke, tmp_path: Path, data_file: Path
) -> None:
    text = data_file.read_text(encoding="utf-8")
    bad = tmp_path / "extra.yaml"
    bad.write_text(text.replace("  doc_number:", "  doc_numbr:", 1), encoding="utf-8")
    result = cli("validate", str(bad))
    assert result.exit_code == 2
    assert "notice.doc_numbr: unknown field" in result.stderr
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("notice: [unclosed\n", encoding="utf-8")
    result = cli("validate", str(syntax))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"minshi: error: {syntax}:")
    assert "invalid YAML" in result.stderr


def test_a_broken_data_file_stops_every_command(cli: Invoke, data_file: Path) -> None:
    data_file.write_text("notice: {id: x}\ntasks: []\n", encoding="utf-8")
    result = cli("list")
    assert result.exit_code == 2
    assert "required field is missing" in result.stderr


def test_config_shows_where_each_value_comes_from(cli: Invoke, isolated: Path) -> None:
    rows = {r["setting"]: r for r in json.loads(cli("config", "-f", "json").stdout)}
    assert rows["data"]["source"] == "MINSHI_DATA"
    assert rows["db"]["source"] == "MINSHI_DB"


def test_minshi_toml_in_a_parent_folder(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = isolated / "office"
    (office / "sub" / "dir").mkdir(parents=True)
    (office / "minshi.toml").write_text(
        'data = "notice.yaml"\ndb = "journal.db"\n', encoding="utf-8"
    )
    (office / "notice.yaml").write_bytes((isolated / "targets_2024.yaml").read_bytes())
    monkeypatch.delenv("MINSHI_DATA")
    monkeypatch.delenv("MINSHI_DB")
    monkeypatch.chdir(office / "sub" / "dir")
    rows = {r["setting"]: r for r in json.loads(cli("config", "-f", "json").stdout)}
    assert rows["data"]["value"] == str((office / "notice.yaml").resolve())
    assert rows["db"]["value"] == str((office / "journal.db").resolve())
    assert rows["db"]["source"] == str((office / "minshi.toml").resolve())
    # the flag still wins over the file
    rows = {
        r["setting"]: r for r in json.loads(cli("--db", "/x.db", "config", "-f", "json").stdout)
    }
    assert rows["db"] == {"setting": "db", "value": "/x.db", "source": "--db"}


def test_version_and_module_entry_point() -> None:
    from minshi import __version__
    from tests.conftest import run_minshi

    result = run_minshi("--version")
    assert result.returncode == 0
    assert result.stdout == f"minshi {__version__}\n"


def test_reading_never_creates_the_store(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MINSHI_DB")  # the default store: the one that may be missing
    assert cli("list").exit_code == 0
    assert cli("overdue").exit_code == 0
    assert not list((isolated / "xdg-data").rglob("progress.db"))


def test_shell_completion_of_task_numbers_and_unit_names() -> None:
    from tests.conftest import run_minshi

    tasks = run_minshi(
        env={"_MINSHI_COMPLETE": "complete_bash", "COMP_WORDS": "minshi show 1", "COMP_CWORD": "2"}
    )
    assert tasks.stdout.split() == ["1", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19"]
    units = run_minshi(
        env={"_MINSHI_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "minshi list --lead 区城"}
    )
    assert '"区城市管理局"' in units.stdout and '"区城管局"' in units.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("minshi pro", 1, ["progress"]),  # a command's name: every command is offered
        ("minshi progress up", 2, ["update"]),
        ("minshi progress template --lead 区城市", 4, ["区城市管理局"]),
        ("minshi --db x.db db ch", 4, ["check"]),
        ("minshi incomplete --unit 区教", 3, ["区教委", "区教育委员会"]),
    ],
)
def test_completion_builds_only_what_it_completes_and_still_completes(
    words: str, cword: int, expected: list[str]
) -> None:
    from tests.conftest import run_minshi

    result = run_minshi(
        env={"_MINSHI_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["progress", "undo", "abc"], "invalid value for '[ENTRY]': 'abc' is not a valid int"),
        (["list", "--format", "xml"], "invalid value for '--format' / '-f': 'xml' is not one of"),
        (["lsit"], "no such command 'lsit'. Did you mean 'list'?"),
        (["show"], "missing argument 'TASK' (see: minshi show --help)"),
        (["list", "--db", "x.db"], "--data, --db and --debug go before the command"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    from tests.conftest import run_minshi

    result = run_minshi(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("minshi: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_status_filter_takes_the_chinese_labels_too(cli: Invoke) -> None:
    english = cli("list", "--status", "behind,far_behind", "--as-of", "2024-06-30", "-f", "json")
    chinese = cli("list", "--status", "滞后，严重滞后", "--as-of", "2024-06-30", "-f", "json")
    assert english.exit_code == chinese.exit_code == 0
    assert ids(chinese.stdout) == ids(english.stdout) != []
    bad = cli("list", "--status", "late")
    assert bad.exit_code == 2
    assert "unknown status late (use overdue (逾期未完成), far_behind (严重滞后)" in bad.stderr


def test_config_never_shows_a_password(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINSHI_DB", "postgresql://edu_clerk:secret@dbhost/minshi")
    for fmt in ("table", "json", "csv"):
        out = cli("config", "-f", fmt).stdout
        assert "secret" not in out
        assert "postgresql://edu_clerk:***@dbhost/minshi" in out


def test_an_unforeseen_fault_is_one_line_and_never_exit_1(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import minshi.render.records

    def broken(*args: object) -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(minshi.render.records, "metric_summary", broken)
    result = cli("show", "16")
    assert result.exit_code == 3  # 1 would tell cron "--fail-on found something"
    assert result.stderr == (
        "minshi: error: unexpected ZeroDivisionError: division by zero "
        "(run again with --debug for the details)\n"
    )


def test_a_broken_config_file_is_named_and_exit_2(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = isolated / "minshi.toml"
    config.write_text('data = "x.yaml"\ndb = \n', encoding="utf-8")
    monkeypatch.delenv("MINSHI_DATA")
    broken = cli("config")
    assert broken.exit_code == 2
    assert broken.stderr.startswith(f"minshi: error: {config}: not a valid configuration file")
