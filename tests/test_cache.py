"""The catalog cache: repeated runs read it, and it never serves stale, damaged or foreign data.

The first test shows that a second run really is served from the cache (a cache planted with
another task name shows that name); every other test then shows a case where the cache must not
be believed, and that the run gives what the YAML says. The cache is data, never code: a pickle
planted in its place is never loaded.
"""

from __future__ import annotations

import json
import os
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke

NAME = "城镇老旧小区改造和社区服务提升"  # task 16 of the bundled notice
PLANTED = "只在缓存里的名字"


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("catalog-*"))


def the_cache(home: Path) -> Path:
    (cache,) = cache_files(home)
    return cache


def name_of_16(cli: Invoke, *args: str) -> str:
    result = cli("show", "16", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    name: str = json.loads(result.stdout)["name"]
    return name


def rewrite(cache: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite the cache file's record (key, ids, units, warnings, and its notices as
    [checksum, text] pairs) in place. The file is lines: that record without the notices,
    then each notice's text on its own line."""
    first, *texts = cache.read_text(encoding="utf-8").split("\n")[:-1]
    record = json.loads(first)
    record["notices"] = [list(pair) for pair in zip(record.pop("checksums"), texts, strict=True)]
    change(record)
    notices = record.pop("notices")
    record["checksums"] = [checksum for checksum, _ in notices]
    lines = [json.dumps(record, ensure_ascii=False), *(text for _, text in notices)]
    cache.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def sealed(text: str) -> list[str]:
    """A notice's text with the checksum minshi writes beside it, as a planter would write it."""
    return [f"{zlib.crc32(text.encode()):08x}{zlib.adler32(text.encode()):08x}", text]


def plant(cache: Path, key: Callable[[Any], Any] = lambda key: key) -> None:
    """Give task 16 another name inside the cache, under the same key or a changed one."""

    def change(record: dict[str, Any]) -> None:
        renamed = []
        for _, text in record["notices"]:
            pieces = text.split("\t")  # the head, the units, then each task
            for at, piece in enumerate(pieces[2:], start=2):
                task = json.loads(piece)  # Task(id, category, name, …)
                if task[0] == 16:
                    task[2] = PLANTED
                    pieces[at] = json.dumps(task, ensure_ascii=False)
            renamed.append(sealed("\t".join(pieces)))
        record["key"] = key(record["key"])
        record["notices"] = renamed

    rewrite(cache, change)


def edit(path: Path, old: str, new: str, *, keep_time: bool = False) -> None:
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    if keep_time:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_the_second_run_is_served_from_the_cache(cli: Invoke, isolated: Path) -> None:
    assert cache_files(isolated) == []
    assert name_of_16(cli) == NAME
    plant(the_cache(isolated))
    assert name_of_16(cli) == PLANTED


def test_a_listing_builds_only_the_tasks_it_shows_from_the_cache(
    cli: Invoke, isolated: Path
) -> None:
    """`list --lead` reads each notice's head and the chosen tasks from the cache, and gives the
    same records as the notice built whole (`show`) or read from the YAML."""
    args = ("list", "--lead", "区住房城乡建委", "-f", "json")  # task 16's lead, among others
    fresh = cli(*args)
    assert fresh.exit_code == 0, fresh.stderr
    assert cli(*args).stdout == fresh.stdout  # from the cache
    plant(the_cache(isolated))
    listed = {t["id"]: t["name"] for t in json.loads(cli(*args).stdout)}
    assert listed[16] == PLANTED and len(listed) == len(json.loads(fresh.stdout))


def _break_task(number: int) -> Callable[[dict[str, Any]], None]:
    """A task's piece cut short, the notice's checksum made to match: a planted cache."""

    def change(record: dict[str, Any]) -> None:
        pieces = record["notices"][0][1].split("\t")
        at = next(i for i, p in enumerate(pieces[2:], start=2) if json.loads(p)[0] == number)
        pieces[at] = keep_half(pieces[at].encode()).decode(errors="ignore")
        record["notices"][0] = sealed("\t".join(pieces))

    return change


def test_a_task_that_cannot_be_read_from_the_cache_is_read_from_the_yaml(
    cli: Invoke, isolated: Path
) -> None:
    args = ("list", "--lead", "区住房城乡建委", "-f", "json")
    expected = cli(*args)
    rewrite(the_cache(isolated), _break_task(16))
    for _ in range(2):  # the broken one, then the one written anew
        result = cli(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, "")


def test_a_task_not_shown_is_never_read_from_the_cache(cli: Invoke, isolated: Path) -> None:
    """Task 1 is not 区住房城乡建委's: listing that unit's tasks never reads it, so its broken
    piece goes unnoticed (the cache is not rewritten) until a command shows it."""
    args = ("list", "--lead", "区住房城乡建委", "-f", "json")
    expected = cli(*args)
    assert 1 not in {t["id"] for t in json.loads(expected.stdout)}
    rewrite(the_cache(isolated), _break_task(1))
    broken = the_cache(isolated).read_bytes()
    assert cli(*args).stdout == expected.stdout
    assert the_cache(isolated).read_bytes() == broken  # task 1 was never parsed
    assert cli("show", "1", "-f", "json").exit_code == 0  # built whole: read from the YAML
    assert cli(*args).stdout == expected.stdout
    assert the_cache(isolated).read_bytes() != broken  # and the cache written anew


# ---------------------------------------------------------------------------------------------
# An edit of the data is seen at once


@pytest.mark.parametrize(
    ("new", "keep_time"),
    [
        (NAME + "（修订）", False),  # a longer text, saved now
        (NAME.replace("提升", "改善"), True),  # same size, and the clock did not move
    ],
    ids=["new-size-and-time", "same-size-and-time"],
)
def test_an_edit_of_the_yaml_is_seen_by_the_next_run(
    cli: Invoke, isolated: Path, data_file: Path, new: str, keep_time: bool
) -> None:
    assert name_of_16(cli) == NAME
    plant(the_cache(isolated))  # had the cache been believed, this name would show
    edit(data_file, f"name: {NAME}\n", f"name: {new}\n", keep_time=keep_time)
    assert name_of_16(cli) == new
    assert name_of_16(cli) == new  # and from the cache written for the new text


def test_a_file_changed_within_its_timestamps_grain_is_read_again(
    cli: Invoke, isolated: Path
) -> None:
    """A file written moments before the cache was built may change again within the grain of
    its timestamps (2 s on FAT), size and times unchanged: its content is checked against the
    checksum it had then. Once its times are well before the building, they are trusted."""
    assert name_of_16(cli) == NAME
    cache = the_cache(isolated)
    plant(cache)  # the name the cache would give, were it believed
    rewrite(cache, lambda record: record.update(contents=["0" * 16]))  # "it changed since"
    assert name_of_16(cli) == NAME  # the file was just written: its content was checked
    plant(the_cache(isolated))
    hour_later = 3600 * 10**9  # as if the cache was built an hour after the file was written
    rewrite(
        the_cache(isolated),
        lambda record: record.update(contents=["0" * 16], built=record["built"] + hour_later),
    )
    assert name_of_16(cli) == PLANTED  # times well before the building: no file is read


def test_a_notice_added_to_or_taken_from_the_folder_is_seen(
    cli: Invoke, isolated: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copies(isolated, data_file, ["a-2024", "b-2024"])
    monkeypatch.setenv("MINSHI_DATA", str(folder))

    def notices() -> list[str]:
        result = cli("list", "-f", "json")
        assert result.exit_code == 0, result.stderr
        return sorted({t["notice"] for t in json.loads(result.stdout)})

    assert notices() == ["a-2024", "b-2024"]
    copies(isolated, data_file, ["c-2024"])
    assert notices() == ["a-2024", "b-2024", "c-2024"]
    (folder / "a-2024.yaml").unlink()
    assert notices() == ["b-2024", "c-2024"]


# ---------------------------------------------------------------------------------------------
# A damaged cache is ignored, and rebuilt


def keep_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_a_notice(record: dict[str, Any]) -> None:
    record["notices"][0][1] = keep_half(record["notices"][0][1])


def replace_a_notice(record: dict[str, Any]) -> None:
    record["notices"][0] = sealed(json.dumps("not a notice"))


def mistype_a_notice(record: dict[str, Any]) -> None:
    """A value changed inside the text, its checksum left as it was: damage, not a planter."""
    pieces = record["notices"][0][1].split("\t")
    task = json.loads(pieces[2])
    task[0] = "sixteen"  # a task id that is text
    pieces[2] = json.dumps(task, ensure_ascii=False)
    record["notices"][0][1] = "\t".join(pieces)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty": lambda cache: cache.write_bytes(b""),
    "truncated": lambda cache: cache.write_bytes(keep_half(cache.read_bytes())),
    "garbage": lambda cache: cache.write_bytes(os.urandom(4096)),
    "other-json": lambda cache: cache.write_text('{"not": "a cache"}', encoding="utf-8"),
    "one-notice-truncated": lambda cache: rewrite(cache, damage_a_notice),
    "one-notice-replaced": lambda cache: rewrite(cache, replace_a_notice),
    "one-notice-mistyped": lambda cache: rewrite(cache, mistype_a_notice),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_cache_is_ignored_and_rebuilt(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[Path], None]
) -> None:
    monkeypatch.setenv("MINSHI_NO_CACHE", "1")
    expected = cli("show", "16", "-f", "json")
    monkeypatch.delenv("MINSHI_NO_CACHE")
    assert cli("show", "16", "-f", "json").stdout == expected.stdout
    damage(the_cache(isolated))
    for _ in range(3):  # the damaged one, then the rebuilt one
        result = cli("show", "16", "-f", "json")
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, "")
    plant(the_cache(isolated))  # the rebuilt cache is sound: it is read again
    assert name_of_16(cli) == PLANTED


# ---------------------------------------------------------------------------------------------
# The cache is data, never code; a cache planted by someone else is not read


class _Planted:
    """Unpickling this would run `os.system`: the run must never do it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_planted_as_the_cache_is_never_loaded(cli: Invoke, isolated: Path) -> None:
    assert name_of_16(cli) == NAME
    marker = isolated / "ran-code-from-the-cache"
    the_cache(isolated).write_bytes(pickle.dumps(_Planted(marker)))
    assert name_of_16(cli) == NAME
    assert not marker.exists()


@pytest.mark.parametrize("how", ["writable-by-others", "a-symlink"])
def test_a_cache_others_could_have_written_is_not_read(
    cli: Invoke, isolated: Path, how: str
) -> None:
    assert name_of_16(cli) == NAME
    cache = the_cache(isolated)
    plant(cache)
    if how == "writable-by-others":
        cache.chmod(0o666)
    else:
        elsewhere = isolated / "planted.json"
        cache.rename(elsewhere)
        cache.symlink_to(elsewhere)
    assert name_of_16(cli) == NAME


def test_the_cache_is_private_to_its_user(cli: Invoke, isolated: Path) -> None:
    assert name_of_16(cli) == NAME
    assert the_cache(isolated).stat().st_mode & 0o777 == 0o600


# ---------------------------------------------------------------------------------------------
# A cache written by another minshi is not used


KEYS: dict[str, Callable[[Any], Any]] = {
    "another-version": lambda key: ["0.0.1", *key[1:]],
    "another-cache-format": lambda key: [key[0], key[1] + 1, *key[2:]],
    "other-models": lambda key: [*key[:2], [["Metric", ["key"]]], *key[3:]],
}


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_a_cache_written_by_another_minshi_is_not_used(
    cli: Invoke, isolated: Path, key: Callable[[Any], Any]
) -> None:
    assert name_of_16(cli) == NAME
    plant(the_cache(isolated), key)
    assert name_of_16(cli) == NAME


# ---------------------------------------------------------------------------------------------
# The cache costs time at worst, never a command


@pytest.mark.parametrize("where", ["a-file/cache", "a-file"])
def test_a_cache_folder_that_cannot_be_written_does_not_break_the_command(
    cli: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    expected = cli("list", "--lead", "区城市管理局", "-f", "json").stdout
    (isolated / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MINSHI_CACHE", str(isolated / where))
    for _ in range(2):
        result = cli("list", "--lead", "区城市管理局", "-f", "json")
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert (isolated / "a-file").read_text(encoding="utf-8") == "not a folder"


BROKEN = [
    ("target: 95,", "target: -5,", "task 16 → metrics[0].target: the target must be a number"),
    (f"name: {NAME}\n", f"name: [{NAME}\n", "invalid YAML"),
]


@pytest.mark.parametrize(("old", "new", "problem"), BROKEN, ids=["invalid-value", "invalid-yaml"])
@pytest.mark.parametrize("keep_time", [False, True], ids=["saved-now", "same-time"])
def test_the_cache_never_hides_an_error_in_the_yaml(
    cli: Invoke, data_file: Path, old: str, new: str, problem: str, keep_time: bool
) -> None:
    assert name_of_16(cli) == NAME  # a valid cache of the file as it was
    edit(data_file, old, new, keep_time=keep_time)
    for _ in range(2):
        result = cli("show", "16", "-f", "json")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"minshi: error: {data_file}:")
        assert problem in result.stderr


# ---------------------------------------------------------------------------------------------
# Many notices: each is built from the cache only when a command needs it


def copies(home: Path, bundled: Path, ids: list[str]) -> Path:
    folder = home / "notices"
    folder.mkdir(exist_ok=True)
    text = bundled.read_text(encoding="utf-8")
    assert text.count("\n  id: wanzhou-2024\n") == 1
    for notice_id in ids:
        copy = text.replace("\n  id: wanzhou-2024\n", f"\n  id: {notice_id}\n")
        (folder / f"{notice_id}.yaml").write_text(copy, encoding="utf-8")
    return folder


COMMANDS = [
    ("list", "-f", "json"),
    ("list", "--lead", "区城市管理局", "--notice", "b-2024", "-f", "json"),
    ("list", "--unit", "区城管局", "--category", "区级", "-f", "csv"),
    ("show", "16", "--notice", "c-2024", "-f", "json"),
    ("show", "b-2024/16"),
    ("show", "16"),  # several notices: which one?
    ("show", "16", "--notice", "b-2042"),  # no such notice: did you mean b-2024?
    ("overdue", "--notice", "a-2024", "--as-of", "2025-01-10", "-f", "json"),
    ("units", "--notice", "c-2024", "-f", "json"),
    ("progress", "log", "--notice", "b-2024", "-f", "json"),
]


def test_many_notices_from_the_cache_give_what_the_yaml_gives(
    cli: Invoke, isolated: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copies(isolated, data_file, ["a-2024", "b-2024", "c-2024"])
    monkeypatch.setenv("MINSHI_DATA", str(folder))
    for args in (
        ("progress", "update", "16", "--notice", "b-2024", "--value", "40", "--date", "2024-06-30"),
        ("progress", "update", "a-2024/7", "--value", "3", "--date", "2024-05-31"),
    ):
        assert cli(*args).exit_code == 0
    monkeypatch.setenv("MINSHI_NO_CACHE", "1")
    expected = [cli(*args) for args in COMMANDS]
    monkeypatch.delenv("MINSHI_NO_CACHE")
    for cache in ("cold", "warm"):
        for args, want in zip(COMMANDS, expected, strict=True):
            if cache == "cold":
                for path in cache_files(isolated):
                    path.unlink()
            got = cli(*args)
            assert (got.exit_code, got.stdout, got.stderr) == (
                want.exit_code,
                want.stdout,
                want.stderr,
            ), (cache, args)
    assert expected[0].exit_code == 0 and len(json.loads(expected[0].stdout)) == 3 * 21
    assert expected[5].exit_code == 2 and "3 notices are loaded" in expected[5].stderr
    assert "did you mean b-2024" in expected[6].stderr
