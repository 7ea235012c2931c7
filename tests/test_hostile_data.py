"""Hostile notice files: each is refused with its file, line and reason, and quickly; or, where
the file can mean one thing only, accepted with a warning. Nothing in a data file runs code.

The policy (see the docstring of minshi.catalog):
- refused: Python and other non-plain tags, alias bombs, self-referring aliases, nesting deeper
  than 32 levels, files over 5 MB, text that is not UTF-8 (GBK …), tabs used to indent, duplicate
  mapping keys, duplicate task ids in a notice, one notice id in two files, yes/no where a number
  belongs, a number or any other text where a date belongs;
- accepted without a word: a UTF-8 byte-order mark (Windows Notepad writes one);
- accepted with a warning (`Catalog.warnings`, `file:line: where: what`): a number in quotes
  ("95"), a date in quotes ("2024-03-09"), yes/no written as text;
- the same task number in two files of a folder is fine when the notices differ (2024/16 and
  2025/16): a task is then named with its notice.

`pytest tests/test_hostile_data.py -s` prints how long each refusal took.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from minshi.catalog import MAX_DEPTH, load
from minshi.errors import DataFileError
from tests.conftest import BUNDLED, Invoke, run_minshi

TEXT = BUNDLED.read_text(encoding="utf-8")

# (case, seconds, first line of the message), printed at the end of the module
FIGURES: list[tuple[str, float, str]] = []


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    yield
    if FIGURES:
        print(f"\nhostile data files: {len(FIGURES)} tried")
        for case, seconds, message in FIGURES:
            print(f"  {seconds * 1000:7.1f} ms  {case}: {message[:150]}")
        print(f"  slowest: {max(s for _, s, _ in FIGURES) * 1000:.1f} ms")


def edit(old: str, new: str, text: str = TEXT) -> tuple[str, int]:
    """`text` with the first `old` replaced by `new`, and the line where `new` starts."""
    at = text.index(old)
    return text[:at] + new + text[at + len(old) :], text.count("\n", 0, at) + 1


def line_of(text: str, marker: str) -> int:
    return text.count("\n", 0, text.index(marker)) + 1


def refuse(cli: Invoke, path: Path, case: str, *args: str) -> str:
    """Run `minshi validate PATH`; it must refuse with one clear line. Returns that line."""
    start = time.perf_counter()
    result = cli(*args, "validate", str(path))
    seconds = time.perf_counter() - start
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"minshi: error: {path}")
    FIGURES.append(
        (case, seconds, first.removeprefix("minshi: error: ").replace(str(path), path.name))
    )
    return first


@dataclass(frozen=True)
class Hostile:
    case: str
    content: Callable[[], tuple[str | bytes, int | None]]  # the file, and the line to blame
    reason: str


def _python_tag(tag: str) -> Callable[[], tuple[str, int | None]]:
    return lambda: edit("name: 城镇老旧小区改造和社区服务提升", f"name: {tag}")


def _alias_bomb() -> tuple[str, int | None]:
    # "billion laughs": 9 levels of 9 aliases each, 9^9 (387 million) values once expanded
    lines = ['  lol0: &lol0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    for n in range(1, 10):
        lines.append(f"  lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]")
    bomb = "\n".join(lines)
    text, start = edit("  forwarded_by:\n", f"  bomb:\n{bomb}\n  forwarded_by:\n")
    # the first list that grows past 200,000 values: lol5 (597,871)
    return text, line_of(text, "lol5: &lol5")


def _self_alias() -> tuple[str, int | None]:
    return edit("    lead: [区住房城乡建委]", "    lead: &me [区住房城乡建委, *me]")


def _nested(levels: int) -> Callable[[], tuple[str, int | None]]:
    def build() -> tuple[str, int | None]:
        deep = "[" * levels + "区住房城乡建委" + "]" * levels
        return edit("    lead: [区住房城乡建委]", f"    lead: {deep}")

    return build


def _nested_blocks() -> tuple[str, int | None]:
    # 50 levels of indented mappings, as a careless paste might make; line 1 is `remark:`
    block = "".join(f"{'  ' * (3 + n)}level{n}:\n" for n in range(50))
    text, _ = edit(
        "    cooperating_more: true\n", f"    cooperating_more: true\n    remark:\n{block}"
    )
    # the mapping holding levelN is N + 4 deep (document → tasks → task → remark's mapping)
    return text, line_of(text, f"level{MAX_DEPTH + 1 - 4}:")


def _gbk() -> tuple[bytes, int | None]:
    return TEXT.encode("gbk"), 1  # the first line is a Chinese comment


def _one_gbk_line() -> tuple[bytes, int | None]:
    # a clerk retyped one name in an editor set to GBK
    name = "    name: 城镇老旧小区改造和社区服务提升"
    head, _, tail = TEXT.partition(name)
    return head.encode() + name.encode("gbk") + tail.encode(), line_of(TEXT, name)


def _tabs() -> tuple[str, int | None]:
    return edit(
        "    category: 区级\n    voted: true\n    name: 城镇老旧",
        "\tcategory: 区级\n    voted: true\n    name: 城镇老旧",
    )


def _duplicate_top_key() -> tuple[str, int | None]:
    # a second `tasks:` pasted at the end would replace all 21 tasks without a word
    second = (
        "tasks:\n  - {id: 1, category: 市级, name: x, target_text: x, lead: [区教委], "
        "metrics: [{key: a, name: a, kind: milestone}]}\n"
    )
    text = TEXT + second
    return text, line_of(text, second)


def _duplicate_task_id_key() -> tuple[str, int | None]:
    # YAML keeps the last `id`: task 16 would become task 22, and 16 would vanish
    text, line = edit(
        "  - id: 16\n    category: 区级\n", "  - id: 16\n    category: 区级\n    id: 22\n"
    )
    return text, line + 2


TASKS_LINE = TEXT.splitlines().index("tasks:") + 1
TARGET_95 = next(s for s in TEXT.splitlines() if "target: 95, unit: 个" in s)
TARGET_95_COLUMN = TARGET_95.index("target: 95") + 1


def _duplicate_target() -> tuple[str, int | None]:
    return edit("target: 95, unit: 个", "target: 95, unit: 个, target: 9")


OLD_HOUSING_METRICS = "    metrics:\n      - {key: 老旧小区, name: 新开工改造老旧小区"


def _duplicate_metrics_key() -> tuple[str, int | None]:
    metrics = OLD_HOUSING_METRICS
    extra = "    metrics:\n      - {key: 其他, name: 其他, kind: milestone}\n"
    text, line = edit(metrics, extra + metrics)
    return text, line + 2


def _two_tasks_16() -> tuple[str, int | None]:
    return edit("  - id: 17\n", "  - id: 16\n")  # the second task 16 is blamed


HOSTILE = [
    Hostile(
        "!!python/object/apply",
        _python_tag('!!python/object/apply:os.system ["touch PWNED"]'),
        "the tag !!python/object/apply:os.system is not allowed in a data file",
    ),
    Hostile(
        "!!python/object",
        _python_tag("!!python/object:minshi.models.Unit {name: x}"),
        "the tag !!python/object:minshi.models.Unit is not allowed in a data file",
    ),
    Hostile(
        "!!python/object/new",
        _python_tag("!!python/object/new:subprocess.Popen [[touch, PWNED]]"),
        "the tag !!python/object/new:subprocess.Popen is not allowed in a data file",
    ),
    Hostile(
        "!!python/name",
        _python_tag("!!python/name:os.system"),
        "the tag !!python/name:os.system is not allowed in a data file",
    ),
    Hostile(
        "!!python/apply",
        _python_tag("!!python/apply:os.system [touch PWNED]"),
        "the tag !!python/apply:os.system is not allowed in a data file",
    ),
    Hostile(
        "!!python/module",
        _python_tag("!!python/module:os"),
        "the tag !!python/module:os is not allowed in a data file",
    ),
    Hostile(
        "!!binary",
        _python_tag("!!binary 5Z+O6ZWH6ICB5pen5bCP5Yy6"),
        "the tag !!binary is not allowed in a data file",
    ),
    Hostile("!!set", _python_tag("!!set {a, b}"), "the tag !!set is not allowed"),
    Hostile("custom tag", _python_tag("!include other.yaml"), "the tag !include is not allowed"),
    Hostile(
        "billion laughs",
        _alias_bomb,
        "too many values after expanding aliases (over 200,000); this is not a notice file",
    ),
    Hostile("self-referring alias", _self_alias, "an alias refers to itself"),
    Hostile("50-level nesting (flow)", _nested(50), "nested more than 32 levels deep"),
    Hostile("50-level nesting (blocks)", _nested_blocks, "nested more than 32 levels deep"),
    Hostile("10,000-level nesting", _nested(10_000), "nested more than 32 levels deep"),
    Hostile(
        "GBK file (saved as ANSI)",
        _gbk,
        "not UTF-8 text (byte 0xcd, it looks like GBK); save the file as UTF-8",
    ),
    Hostile("one GBK line in a UTF-8 file", _one_gbk_line, "not UTF-8 text (byte 0xb3"),
    Hostile("tab used to indent", _tabs, "invalid YAML: a tab is used to indent"),
    Hostile(
        "duplicate key: tasks",
        _duplicate_top_key,
        f"duplicate key 'tasks' (first at line {TASKS_LINE}); YAML would keep only the last one",
    ),
    Hostile(
        "duplicate key: a task's id",
        _duplicate_task_id_key,
        f"duplicate key 'id' (first at line {line_of(TEXT, '  - id: 16')}); YAML would keep "
        "only the last one",
    ),
    Hostile(
        "duplicate key: a metric's target",
        _duplicate_target,
        f"duplicate key 'target' (first at column {TARGET_95_COLUMN} of this line)",
    ),
    Hostile(
        "duplicate key: a task's metrics",
        _duplicate_metrics_key,
        f"duplicate key 'metrics' (first at line {line_of(TEXT, OLD_HOUSING_METRICS)})",
    ),
    Hostile("the same task id twice", _two_tasks_16, "task 16 → id: task id 16 is used twice"),
    Hostile("empty file", lambda: ("", None), "the file is empty"),
    Hostile("only comments", lambda: ("# 万州区\n# nothing yet\n", None), "the file is empty"),
    Hostile(
        "two documents in one file",
        lambda: (TEXT + "---\n" + TEXT, TEXT.count("\n") + 1),
        "expected a single document",
    ),
    Hostile("a list, not a notice", lambda: ("- 1\n- 2\n", None), "not a notice file"),
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.case for h in HOSTILE])
def test_hostile_file_is_refused_with_file_line_and_reason(
    cli: Invoke, tmp_path: Path, hostile: Hostile
) -> None:
    content, line = hostile.content()
    path = tmp_path / "notice.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    first = refuse(cli, path, hostile.case)
    place = f"{path}:{line}" if line else f"{path}"
    assert first.startswith(f"minshi: error: {place}: "), first
    assert hostile.reason in first.removeprefix(f"minshi: error: {place}: "), first
    assert not (tmp_path / "PWNED").exists()


def test_python_tags_never_run_code(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payload would really run under an unsafe loader; under minshi nothing happens."""
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "PWNED"
    payload = f'!!python/object/apply:os.system ["touch {marker}"]'
    text, _ = _python_tag(payload)()
    yaml.unsafe_load(f"x: {payload}")  # what an unsafe loader does with it
    assert marker.exists()
    marker.unlink()
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    refuse(cli, path, "!!python/object/apply (payload)")
    monkeypatch.setenv("MINSHI_DATA", str(path))
    assert cli("list").exit_code == 2
    assert cli("show", "16").exit_code == 2
    assert not marker.exists()


@pytest.mark.parametrize("levels", [100_000, 2_000_000])
def test_nesting_that_would_crash_the_yaml_parser_is_refused(tmp_path: Path, levels: int) -> None:
    """Nesting a parser follows by recursion overflows the C stack (a crash, signal 11, not an
    error) somewhere past 10,000 levels; the depth is measured before it is followed."""
    path = tmp_path / "deep.yaml"
    path.write_text("notice: " + "[" * levels + "]" * levels + "\n", encoding="utf-8")
    start = time.perf_counter()
    result = run_minshi("validate", str(path))
    FIGURES.append(
        (
            f"{levels:,}-level nesting (its own process, start-up included)",
            time.perf_counter() - start,
            result.stderr.replace(str(tmp_path) + "/", "").strip() or f"exit {result.returncode}",
        )
    )
    assert result.returncode == 2, result.stderr[-500:]
    assert result.stderr == (
        f"minshi: error: {path}:1: nested more than {MAX_DEPTH} levels deep; "
        "this is not a notice file\n"
    )


def test_a_50_mb_file_is_refused_before_it_is_read(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as f:
        f.write(TEXT)
        padding = "# " + "填充" * 500 + "\n"
        while f.tell() < 50 * 1024 * 1024:
            f.write(padding)
    first = refuse(cli, path, "50 MB file")
    assert first == f"minshi: error: {path}: 50 MB is far too large for a notice file (limit 5 MB)"


def test_an_endless_source_is_refused_unread(cli: Invoke) -> None:
    """A device (or pipe) reports size 0; reading it whole would never end."""
    first = refuse(cli, Path("/dev/zero"), "/dev/zero as the notice")
    assert first == (
        "minshi: error: /dev/zero: not a regular file (a pipe or a device); give a .yaml file"
    )


def test_a_byte_order_mark_is_accepted_silently(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BUNDLED.read_bytes())
    result = cli("validate", str(path))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith(f"ok: {path} — 1 notice, 21 tasks, ")
    with_bom = cli("--data", str(path), "list", "-f", "json").stdout
    assert json.loads(with_bom) == json.loads(cli("list", "-f", "json").stdout)


def test_duplicate_keys_would_be_lost_silently_by_plain_yaml(tmp_path: Path) -> None:
    """Why the duplicate-key guard exists: YAML itself keeps the last value without a word."""
    text, _ = _duplicate_task_id_key()
    tasks = yaml.safe_load(text)["tasks"]
    assert 16 not in [t["id"] for t in tasks] and 22 in [t["id"] for t in tasks]
    text, _ = _duplicate_top_key()
    assert len(yaml.safe_load(text)["tasks"]) == 1  # 21 tasks gone
    text, _ = _duplicate_target()
    task16 = next(t for t in yaml.safe_load(text)["tasks"] if t["id"] == 16)
    assert task16["metrics"][0]["target"] == 9


# ---------------------------------------------------------------------------------------------
# Folders of notice files


def _second_notice(notice_id: str, year: int) -> str:
    text = TEXT.replace("id: wanzhou-2024", f"id: {notice_id}", 1)
    return text.replace("2024-01-01", f"{year}-01-01").replace("2024-12-31", f"{year}-12-31")


def test_one_notice_id_in_two_files_of_a_folder_is_refused(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a-2024.yaml").write_text(TEXT, encoding="utf-8")
    (folder / "b-copy.yaml").write_text(TEXT, encoding="utf-8")
    id_line = line_of(TEXT, "  id: wanzhou-2024")
    first = refuse(cli, folder, "one notice id in two files")
    assert first == (
        f"minshi: error: {folder / 'b-copy.yaml'}:{id_line}: notice id 'wanzhou-2024' is also "
        f"used by {folder / 'a-2024.yaml'}:{id_line}"
    )
    assert cli("--data", str(folder), "list").exit_code == 2


def test_the_same_task_number_in_two_notices_is_named_by_its_notice(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "2024.yaml").write_text(TEXT, encoding="utf-8")
    (folder / "2025.yaml").write_text(_second_notice("wanzhou-2025", 2025), encoding="utf-8")
    assert cli("validate", str(folder)).stdout.startswith(f"ok: {folder} — 2 notices, 42 tasks")
    ambiguous = cli("--data", str(folder), "show", "16")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr.startswith(
        "minshi: error: 2 notices are loaded; name one with --notice"
    )
    shown = json.loads(cli("--data", str(folder), "show", "wanzhou-2025/16", "-f", "json").stdout)
    assert (shown["notice"], shown["id"]) == ("wanzhou-2025", 16)


def test_problems_in_several_files_of_a_folder_are_all_reported(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    dup, dup_line = _duplicate_target()
    (folder / "a.yaml").write_text(dup, encoding="utf-8")
    (folder / "b.yaml").write_bytes(_second_notice("wanzhou-2025", 2025).encode("gbk"))
    result = cli("validate", str(folder))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"minshi: error: {folder}: 2 problems found",
        f"  {folder / 'a.yaml'}:{dup_line}: duplicate key 'target' (first at column "
        f"{TARGET_95_COLUMN} of this line); YAML would keep only the last one",
        f"  {folder / 'b.yaml'}:1: not UTF-8 text (byte 0xcd, it looks like GBK); save the file "
        "as UTF-8",
    ]


# ---------------------------------------------------------------------------------------------
# Values of another type than the schema's


def _load(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    return path, load(path, use_cache=False).warnings


ACCEPTED_WITH_A_WARNING = [
    (
        "target: 95,",
        'target: "95",',
        'task 16 → metrics[0].target: number written as text ("95"); write 95 without quotes',
    ),
    (
        "target: 2840000,",
        "target: '2840000',",
        'task 16 → metrics[1].target: number written as text ("2840000"); '
        "write 2840000 without quotes",
    ),
    (
        "  - id: 16\n",
        '  - id: "16"\n',
        'task 16 → id: number written as text ("16"); write 16 without quotes',
    ),
    (
        "issued: 2024-03-09",
        'issued: "2024-03-09"',
        'notice.issued: date written as text ("2024-03-09"); write 2024-03-09 without quotes',
    ),
    (
        "period: {start: 2024-01-01,",
        "period: {start: '2024-01-01',",
        'notice.period.start: date written as text ("2024-01-01"); write 2024-01-01 without quotes',
    ),
    (
        "    cooperating_more: true\n    metrics:\n      - {key: 老旧小区",
        '    cooperating_more: "yes"\n    metrics:\n      - {key: 老旧小区',
        "task 16 → cooperating_more: yes/no written as 'yes'; write true",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "warning"),
    ACCEPTED_WITH_A_WARNING,
    ids=[w[1].strip() for w in ACCEPTED_WITH_A_WARNING],
)
def test_a_value_that_can_mean_one_thing_only_is_accepted_with_a_warning(
    cli: Invoke, tmp_path: Path, old: str, new: str, warning: str
) -> None:
    text, line = edit(old, new)
    path, warnings = _load(tmp_path, text)
    assert warnings == [f"{path}:{line}: {warning}"]
    result = cli("validate", str(path))
    assert result.exit_code == 0
    # and it means what the unquoted value means
    plain = cli("list", "-f", "json").stdout
    assert json.loads(cli("--data", str(path), "list", "-f", "json").stdout) == json.loads(plain)


def test_the_bundled_notice_has_no_warnings() -> None:
    assert load(BUNDLED, use_cache=False).warnings == []


def test_warnings_survive_the_cache(tmp_path: Path) -> None:
    text, line = edit("target: 95,", 'target: "95",')
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    first = load(path).warnings
    assert first and load(path).warnings == first


REFUSED_VALUES = [
    (
        "target: 95,",
        'target: "95个",',
        "task 16 → metrics[0].target: '95个' is not a number; write digits only",
    ),
    ("  - id: 16\n", "  - id: true\n", "tasks[15] → id: true is yes/no, not a number"),
    ("issued: 2024-03-09", "issued: 0", "notice.issued: 0 is not a date; write YYYY-MM-DD"),
    (
        "issued: 2024-03-09",
        "issued: 1709942400",
        "notice.issued: 1709942400 is not a date; write YYYY-MM-DD",
    ),
    (
        "issued: 2024-03-09",
        'issued: "1709942400"',
        "notice.issued: '1709942400' is not a date; write YYYY-MM-DD",
    ),
    (
        "issued: 2024-03-09",
        'issued: "2024-03-09T00:00:00"',
        "notice.issued: '2024-03-09T00:00:00' is not a date; write YYYY-MM-DD",
    ),
    (
        "issued: 2024-03-09",
        "issued: 2024/03/09",
        "notice.issued: '2024/03/09' is not a date; write YYYY-MM-DD",
    ),
    ("issued: 2024-03-09", "issued: 20240309", "notice.issued: 20240309 is not a date; write"),
]


@pytest.mark.parametrize(
    ("old", "new", "problem"), REFUSED_VALUES, ids=[r[1].strip() for r in REFUSED_VALUES]
)
def test_a_value_of_the_wrong_kind_is_refused(
    cli: Invoke, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    text, line = edit(old, new)
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load(path, use_cache=False)
    assert refused.value.message.startswith(f"{path}:{line}: {problem}")
    first = refuse(cli, path, f"{new.strip()} (a value of the wrong kind)")
    assert first == f"minshi: error: {refused.value.message}"


def test_an_edit_that_keeps_size_and_time_is_not_hidden_by_the_cache(
    cli: Invoke, data_file: Path
) -> None:
    """Timestamps are coarse (2 s on FAT and some network shares): an edit of the same length
    saved within that time looks unchanged to size and mtime, so the cache also checks content."""
    assert cli("show", "16", "-f", "json").exit_code == 0  # now cached
    stat = data_file.stat()
    edited, _ = edit("target: 95,", "target: 96,")
    data_file.write_text(edited, encoding="utf-8")
    os.utime(data_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data_file.stat().st_size == stat.st_size
    shown = json.loads(cli("show", "16", "-f", "json").stdout)
    assert shown["metrics"][0]["target"] == 96


def test_validate_prints_the_warnings_and_still_succeeds(cli: Invoke, tmp_path: Path) -> None:
    text, line = edit("target: 95,", 'target: "95",')
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {path} — 1 notice, 21 tasks")
    assert result.stderr == (
        f"minshi: warning: {path}:{line}: task 16 → metrics[0].target: number written as text "
        '("95"); write 95 without quotes\n'
    )
