"""One console for every command: piped output (logs, cron, CI) is read later by people and scripts,
so it is wide and ids, paths and hashes stay whole."""

from __future__ import annotations

import sys

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, soft_wrap=True, width=None if stream.isatty() else 240)


console = make_console()
err = make_console(stderr=True)
