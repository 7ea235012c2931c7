"""`minshi evidence get`: a document kept with a closure (佐证材料), given back byte for byte."""

from pathlib import Path
from typing import Annotated

import typer

from minshi.cli import state
from minshi.cli.commands import Commands
from minshi.cli.options import output_option
from minshi.files import write_file
from minshi.progress.review import evidence

commands = Commands("evidence", help="The documents kept with closed tasks (佐证材料).")


@commands.command("get", epilog="Example: minshi evidence get 3 -o 验收报告.pdf")
def get(
    evidence_id: Annotated[int, typer.Argument(metavar="ID", help="Its number (minshi show).")],
    output: Annotated[
        Path,
        output_option("Where to write it."),
    ],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace FILE if it exists.")
    ] = False,
) -> None:
    """Write a kept document to a file, checked against its SHA-256."""
    kept, content = evidence(state.store(), evidence_id)
    write_file(output, content, replace=overwrite)
    state.say(f"wrote {output}: {kept.name}, {kept.bytes} bytes, sha256 {kept.sha256[:12]}…")
