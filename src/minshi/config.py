"""Where the notice data and the progress store are, and the office's escalation rules: resolved
in one place.

Precedence: flag > environment (MINSHI_DATA, MINSHI_DB) > a minshi.toml in the current folder or
any parent (paths relative to that file) > built-in default. The same for `basis` (which figures
count: reported, or verified by the office), set by `--basis` or in minshi.toml. The escalation
rules (`[[escalation]]` tables: after how many months behind in a row which action is due) come
from minshi.toml or the defaults (`DEFAULT_ESCALATION`), all of them from one or the other.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi.errors import DataFileError, FileAccessError, InputError
from minshi.tuples import NamedTuple

CONFIG_NAME = "minshi.toml"


class Setting(NamedTuple):
    value: str
    source: str  # "--data", "MINSHI_DATA", "/path/minshi.toml", "default"


class Escalation(NamedTuple):
    """A rule of the office: after `months` month-ends in a row behind 序时进度, `action` is due
    (from the day `since` = (month, day) of the year on, when given: 三季度仍滞后 → 07-01). Of
    the rules that apply, the last one listed counts (`action_due`)."""

    months: int
    action: str
    since: tuple[int, int] | None = None


# 连续滞后1个月督促整改，2个月约谈单位主要负责人，3个月及以上通报批评
DEFAULT_ESCALATION: tuple[Escalation, ...] = (
    Escalation(1, "督促整改"),
    Escalation(2, "约谈单位主要负责人"),
    Escalation(3, "通报批评"),
)
MAX_RULE_MONTHS = 120
MAX_ACTION = 200  # characters


class Rules(NamedTuple):
    rules: tuple[Escalation, ...]
    source: str  # "/path/minshi.toml" or "default"


class Settings(NamedTuple):
    data: Setting
    db: Setting
    config_file: Path | None
    # which figures statuses and reports use: those reported, or those the office verified
    basis: Setting = Setting("reported", "default")
    escalation: Rules = Rules(DEFAULT_ESCALATION, "default")
    # [rating]: above which shares (percent) a rating is 满意, or 基本满意; None: the defaults
    grading: tuple[Decimal, Decimal] | None = None


BASES = ("reported", "verified")


def action_due(lag_months: int, as_of: date, rules: Sequence[Escalation]) -> str | None:
    """The action due after `lag_months` months behind in a row as of a date: of the rules that
    apply (enough months, and `since` reached in the year), the last one listed. Rules are
    listed from the lightest to the heaviest, as the defaults are."""
    action = None
    if lag_months >= 1:
        for rule in rules:
            if rule.months <= lag_months and (
                rule.since is None or (as_of.month, as_of.day) >= rule.since
            ):
                action = rule.action
    return action


def bundled_notice() -> Path:
    """The 2024 notice shipped inside the package (or beside the source tree when editable)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "targets_2024.yaml"
    if packaged.is_file():
        return packaged
    return here.parents[1] / "data" / "targets_2024.yaml"


def default_db() -> Path:
    from platformdirs import user_data_path  # only when the default store is the one used

    return user_data_path("minshi", appauthor=False) / "progress.db"


def cache_dir() -> Path:
    env = os.environ.get("MINSHI_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_path  # only when MINSHI_CACHE is not set

    return user_cache_path("minshi", appauthor=False)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest minshi.toml in `start` or a parent folder, the way git finds .git."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if os.path.lexists(path):  # a pipe, a folder or a link loop of that name is said, too
            return path
    return None


MAX_CONFIG_BYTES = 64 * 1024  # a few settings; anything larger is not a minshi.toml


def _config_text(path: Path) -> str:
    """The text of `path`, when minshi may believe it: a regular file of the user running minshi
    (or root) that no one else may change, as ssh and git ask of their files. Anyone may put a
    minshi.toml in a shared parent folder (/tmp): it would choose the store for everyone
    working below it. Opened without waiting, read at most to the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read the configuration: {e.strerror}") from e
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileAccessError(f"{path}: not a regular file; a configuration is a text file")
        _check_trusted(path, info)
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read the configuration: {e.strerror}") from e
    finally:
        os.close(fd)
    if len(raw) > MAX_CONFIG_BYTES:
        raise DataFileError(f"{path}: far too large for a configuration file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not UTF-8 text; save the configuration as UTF-8") from None


def _check_trusted(path: Path, info: os.stat_result) -> None:
    """FileAccessError for a configuration another user owns or may change (or whose link,
    when it is one, another user owns)."""
    if not hasattr(os, "getuid"):
        return  # Windows: the folder's permissions decide
    me = os.getuid()
    link = os.lstat(path)
    for owner in (info.st_uid, link.st_uid):
        if owner not in (me, 0):
            raise FileAccessError(
                f"{path}: belongs to another user (uid {owner}), not to you (uid {me}); "
                "minshi reads only a configuration of its own user or root (remove it, or have "
                "its owner remove it)"
            )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        raise FileAccessError(
            f"{path}: others may change it (mode {mode:o}); make it writable by its owner only "
            f"(chmod go-w {path})"
        )


def _read_config(path: Path) -> dict[str, Any]:
    import tomllib  # only where an office keeps a minshi.toml

    try:
        raw = tomllib.loads(_config_text(path))
    except tomllib.TOMLDecodeError as e:
        raise DataFileError(f"{path}: not a valid configuration file: {e}") from e
    values: dict[str, Any] = {}
    for key in ("data", "db"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value:
            raise DataFileError(f"{path}: '{key}' must be a path in quotes")
        if "://" not in value:
            value = str((path.parent / value).resolve())
        values[key] = value
    basis = raw.get("basis")
    if basis is not None:
        if basis not in BASES:
            raise DataFileError(f'{path}: basis must be "reported" or "verified", not {basis!r}')
        values["basis"] = basis
    unknown = sorted(set(raw) - {"data", "db", "basis", "escalation", "rating"})
    if unknown:
        known = "data, db, basis, escalation, rating"
        raise DataFileError(f"{path}: unknown setting {', '.join(unknown)} (known: {known})")
    if "escalation" in raw:
        values["escalation"] = _escalation(raw["escalation"], path)
    if "rating" in raw:
        values["grading"] = _grading(raw["rating"], path)
    return values


def _grading(raw: object, path: Path) -> tuple[Decimal, Decimal]:
    """`[rating] satisfied_over = 50, satisfied_or_basic_over = 50`: the grade's thresholds,
    percentages from 0 to below 100, the second no higher than the first."""
    where = f"{path}: [rating]"
    keys = ("satisfied_over", "satisfied_or_basic_over")
    if not isinstance(raw, dict) or set(raw) - set(keys):
        raise DataFileError(f"{where} takes {keys[0]} and {keys[1]} (percentages), e.g. 50")
    numbers = []
    for key in keys:
        value = raw.get(key, 50)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataFileError(f"{where}: {key} must be a number, e.g. {key} = 50")
        number = Decimal(str(value))
        if not number.is_finite() or not 0 <= number < 100:
            raise DataFileError(f"{where}: {key} must be from 0 to below 100, not {value}")
        numbers.append(number)
    if numbers[1] > numbers[0]:
        raise DataFileError(f"{where}: {keys[1]} cannot be above {keys[0]}")
    return numbers[0], numbers[1]


def _escalation(raw: object, path: Path) -> tuple[Escalation, ...]:
    """`[[escalation]]` tables as rules; DataFileError naming the first thing wrong."""
    where = f"{path}: [[escalation]]"
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise DataFileError(f"{where} must be tables, e.g. [[escalation]] months = 2 …")
    rules: list[Escalation] = []
    for n, item in enumerate(raw, start=1):
        here = f"{where} number {n}"
        unknown = sorted(set(item) - {"months", "action", "since"})
        if unknown:
            raise DataFileError(
                f"{here}: unknown key {', '.join(unknown)} (known: months, action, since)"
            )
        months, action = item.get("months"), item.get("action")
        if isinstance(months, bool) or not isinstance(months, int):
            raise DataFileError(f"{here}: months must be a whole number, e.g. months = 2")
        if not 1 <= months <= MAX_RULE_MONTHS:
            raise DataFileError(f"{here}: months must be from 1 to {MAX_RULE_MONTHS}, not {months}")
        if not isinstance(action, str) or not action.strip():
            raise DataFileError(f'{here}: action must be text in quotes, e.g. action = "约谈"')
        if len(action) > MAX_ACTION or not action.isprintable():
            raise DataFileError(
                f"{here}: action must be one line of at most {MAX_ACTION} characters"
            )
        rule = Escalation(months, action.strip(), _since(item.get("since"), here))
        if any((r.months, r.since) == (rule.months, rule.since) for r in rules):
            raise DataFileError(f"{here}: a second rule for {months} months")
        rules.append(rule)
    return tuple(rules)


def _since(raw: object, here: str) -> tuple[int, int] | None:
    """`since = "07-01"`: a day of the year as (month, day)."""
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else ""
    month, _, day = text.partition("-")
    try:
        if not (month.isdigit() and day.isdigit() and len(month) == len(day) == 2):
            raise ValueError
        date(2024, int(month), int(day))  # a leap year: 02-29 is a day of some years
    except ValueError:
        raise DataFileError(
            f'{here}: since must be a day of the year as "MM-DD", e.g. since = "07-01"'
        ) from None
    return int(month), int(day)


def resolve(data_flag: str | None = None, db_flag: str | None = None) -> Settings:
    config_path = find_config()
    file_values = _read_config(config_path) if config_path else {}

    def pick(
        flag: str | None, flag_name: str, env: str, key: str, default: Callable[[], Path]
    ) -> Setting:
        if flag:
            return Setting(flag, flag_name)
        if os.environ.get(env):
            return Setting(os.environ[env], env)
        if key in file_values:
            return Setting(file_values[key], str(config_path))
        return Setting(str(default()), "default")  # looked up only when it is the one used

    data = pick(data_flag, "--data", "MINSHI_DATA", "data", bundled_notice)
    db = pick(db_flag, "--db", "MINSHI_DB", "db", default_db)
    basis = Setting(file_values["basis"], str(config_path)) if "basis" in file_values else None
    rules = Rules(DEFAULT_ESCALATION, "default")
    if "escalation" in file_values:
        rules = Rules(file_values["escalation"], str(config_path))
    return Settings(
        data=data,
        db=db,
        config_file=config_path,
        basis=basis or Setting("reported", "default"),
        escalation=rules,
        grading=file_values.get("grading"),
    )


def redact(url: str) -> str:
    """A store location fit to show in a message: a server URL without its password (whether in
    the user part, which may itself hold an unescaped @ or /, or in a query parameter, its name
    or value percent-encoded or not), or a connection string without `password=…`."""
    scheme, sep, rest = url.partition("://")
    if not sep and _MISTYPED.match(url):  # postgresql:user:secret@host
        return _MISTYPED.sub(r"\1***@", url)
    if not sep:
        return _KEYWORD_PASSWORD.sub(r"\1***", url)
    head, qmark, query = rest.partition("?")
    at = head.rfind("@")
    if at >= 0:
        userinfo, place = head[:at], head[at + 1 :]
        user, colon, _ = userinfo.partition(":")
        head = f"{user}:***@{place}" if colon else f"{userinfo}@{place}"
    if qmark:
        params = [
            f"{re.split('[=%]', p)[0]}=***" if "pass" in _unquote(p).lower() else p
            for p in query.split("&")
        ]
        head = f"{head}?{'&'.join(params)}"
    # a fragment (#password=…) is no part of an address: whatever it holds is not shown
    hash_ = head.find("#", head.find("@") + 1)
    return f"{scheme}://{head[:hash_]}#***" if hash_ >= 0 else f"{scheme}://{head}"


_MISTYPED = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+:/*[^:@/]*:).*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def _unquote(text: str) -> str:
    return _PERCENT.sub(lambda m: chr(int(m[1], 16)), text)


def secrets_in(url: str) -> list[str]:
    """The passwords a server URL holds (as written and decoded), longest first: what must
    never appear in a message, not even inside the driver's own."""
    _, sep, rest = url.partition("://")
    found: list[str] = []
    if not sep:
        found += [m[0].split("=", 1)[1].strip().strip("'") for m in _KEYWORD_PASSWORD.finditer(url)]
    head, _, query = rest.partition("?")
    userinfo = head[: head.rfind("@")] if "@" in head else ""
    found.append(userinfo.partition(":")[2])
    for param in query.split("&"):
        if "pass" in _unquote(param).lower():
            found += [param, param.partition("=")[2]]
    fragment = rest[rest.find("#", rest.rfind("@") + 1) + 1 :] if "#" in rest else ""
    found += [fragment, fragment.partition("=")[2]]
    found += [_unquote(s) for s in found]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def hide_secrets(text: str, url: str) -> str:
    """`text` (a driver's message about `url`) with the URL shown redacted and every password
    it holds replaced by ***."""
    text = text.replace(url, redact(url))
    for secret in secrets_in(url):
        text = text.replace(secret, "***")
    return text


def check_server_url(url: str) -> str:
    """`url`, with its scheme in lower case, when it names a server one way only; InputError
    (with the password hidden) when the driver would read it otherwise than it looks: an @ or
    / in the password not written %40 or %2F, an unclosed [ of an IPv6 address, a port that is
    no port."""
    scheme, _, rest = url.partition("://")
    shown = redact(url)
    authority = rest.partition("?")[0]
    if authority.count("@") > 1 or "/" in authority[: max(authority.find("@"), 0)]:
        raise InputError(
            f"the store address {shown} is not a valid address: an @ or / in the user name or "
            "password must be written %40 or %2F (or keep the password in ~/.pgpass)"
        )
    hosts = authority.partition("/")[0].rpartition("@")[2]
    for host in hosts.split(","):
        if host.startswith("["):
            address, bracket, port = host[1:].partition("]")
            if not bracket or (port and not port.startswith(":")):
                raise InputError(
                    f"the store address {shown} is not a valid address: an IPv6 address opened "
                    "with [ must be closed with ], e.g. postgresql://[::1]:5432/minshi"
                )
            port = port[1:]
        else:
            port = host.rpartition(":")[2] if ":" in host else ""
        if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise InputError(
                f"the store address {shown} is not a valid address: the port {port!r} is not a "
                "number from 1 to 65535"
            )
    return f"{scheme.lower()}://{rest}"


def looks_like_connection_string(location: str) -> bool:
    """`host=… password=…`: a PostgreSQL keyword string, which minshi would take for a file."""
    return bool(_CONNINFO.fullmatch(location)) and bool(_CONNINFO_KEY.search(location))


_CONNINFO = re.compile(r"\s*(\w+\s*=\s*('[^']*'|\S*)\s*)+")
_CONNINFO_KEY = re.compile(r"\b(host|hostaddr|dbname|user|password|port|sslmode)\s*=", re.I)
