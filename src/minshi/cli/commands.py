"""The commands of a module, put on the app only when a run asks for them.

Turning a command's signature into options costs more than running most commands, so a run
builds only the command it was asked for (`minshi list …` builds `list`; `minshi progress update
…` builds `progress update`); help, an unknown word and completing a command name build them all.
"""

from collections.abc import Callable, Sequence
from typing import Any

import typer

Function = Callable[..., Any]


class Commands:
    """A module's commands (or, with `group`, the subcommands of one command group)."""

    def __init__(self, group: str | None = None, help: str | None = None) -> None:
        self.group, self.help = group, help
        self.table: dict[str, tuple[Function, str]] = {}

    def command(self, name: str, *, epilog: str) -> Callable[[Function], Function]:
        """Declare a command; `epilog` is its help's example line."""

        def declare(function: Function) -> Function:
            self.table[name] = (function, epilog)
            return function

        return declare

    def register(self, app: typer.Typer, words: Sequence[str]) -> None:
        """Put on `app` the command `words` names (its first word, or for a group the second),
        or all of them when the word names none."""
        target, wanted = app, words[0] if words else None
        if self.group is not None:
            target = typer.Typer(name=self.group, help=self.help, no_args_is_help=True)
            app.add_typer(target)
            wanted = words[1] if len(words) > 1 else None
        for name, (function, epilog) in self.table.items():
            if wanted not in self.table or wanted == name:
                target.command(name, epilog=epilog)(function)
