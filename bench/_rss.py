"""Peak resident memory of a process tree (a process and all its descendants), sampled from /proc."""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["TreeRss", "rss_kb", "tree_pids"]

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d.name))
    return kids


def tree_pids(root: int) -> list[int]:
    kids = _children()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0  # exited between listing and reading


class TreeRss:
    """``with TreeRss(pid) as m: ...`` then ``m.peak_kb`` (sum over the tree, at the worst sample)."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root, self.interval = root, interval
        self.peak_kb = 0
        self.peak_procs = 0
        self.samples = 0
        self.per_pid_peak_kb: dict[int, int] = {}  # which process grows: the flow's or a page worker's
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = tree_pids(self.root)
            sizes = {p: rss_kb(p) for p in pids}
            total = sum(sizes.values())
            for p, kb in sizes.items():
                if kb > self.per_pid_peak_kb.get(p, 0):
                    self.per_pid_peak_kb[p] = kb
            self.samples += 1
            if total > self.peak_kb:
                self.peak_kb, self.peak_procs = total, len(pids)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
