"""Where the notice data and the progress store are: resolved in one place.

Precedence: flag > environment (MINSHI_DATA, MINSHI_DB) > a minshi.toml in the current folder or
any parent (paths relative to that file) > built-in default. The same for `basis` (which figures
count: reported, or verified by the office), set by `--basis` or in minshi.toml.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from minshi.errors import DataFileError, FileAccessError

CONFIG_NAME = "minshi.toml"


class Setting(NamedTuple):
    value: str
    source: str  # "--data", "MINSHI_DATA", "/path/minshi.toml", "default"


class Settings(NamedTuple):
    data: Setting
    db: Setting
    config_file: Path | None
    # which figures statuses and reports use: those reported, or those the office verified
    basis: Setting = Setting("reported", "default")


BASES = ("reported", "verified")


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
        if path.is_file():
            return path
    return None


def _read_config(path: Path) -> dict[str, str]:
    import tomllib  # only where an office keeps a minshi.toml

    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read the configuration: {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise DataFileError(f"{path}: not a valid configuration file: {e}") from e
    values: dict[str, str] = {}
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
    unknown = sorted(set(raw) - {"data", "db", "basis"})
    if unknown:
        known = "data, db, basis"
        raise DataFileError(f"{path}: unknown setting {', '.join(unknown)} (known: {known})")
    return values


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
    return Settings(data, db, config_path, basis or Setting("reported", "default"))


def redact(url: str) -> str:
    """A store location fit to show in a message: a server URL without its password (whether in
    the user part, which may itself hold an unescaped @ or /, or as a query parameter)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    head, qmark, query = rest.partition("?")
    at = head.rfind("@")
    if at >= 0:
        userinfo, place = head[:at], head[at + 1 :]
        user, colon, _ = userinfo.partition(":")
        head = f"{user}:***@{place}" if colon else f"{userinfo}@{place}"
    if qmark:
        params = [
            f"{name}=***" if "pass" in name.lower() else f"{name}{eq}{value}"
            for name, eq, value in (p.partition("=") for p in query.split("&"))
        ]
        head = f"{head}?{'&'.join(params)}"
    return f"{scheme}://{head}"
