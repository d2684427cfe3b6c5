"""Faults (issue 8): a killed run, a crashing or hanging OCR worker, the database going away, two runs at once.

Every case runs the real flow in a subprocess (bounded by its timeout) on real sample pages:

* SIGKILL of ``hotich run`` mid-batch, then a second run: every page ends processed exactly once (one
  'load' event per page), no duplicate records, nothing lost; the counts of both runs reconcile with the
  store and the export (on SQLite and PostgreSQL);
* a reader that kills its worker with SIGSEGV, or hangs far beyond ``HOTICH_PAGE_TIMEOUT_SECONDS``, on one
  page: that page fails with a reason, the others complete, and the next run redoes the failed page;
* the database away for 3 s while a page is being loaded (SQLite: another process holds an exclusive
  lock and the busy timeout is shortened; PostgreSQL: connections refused and terminated): the load is
  retried and the page lands;
* two ``hotich run`` on the same folder at once: each entry loaded once (SQLite and PostgreSQL).

Faulty readers come through the flow's reader seam from ``tests/fault_readers.py``; the driver
``python tests/fault_readers.py run`` calls ``flows.digitize.digitize`` with that reader, with
``PYTHONPATH`` set to ``tests/`` so the spawned page workers import it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fault_readers import SAMPLES, TESTS_DIR

pytestmark = pytest.mark.slow

HOTICH = Path(sys.executable).parent / "hotich"
DRIVER = TESTS_DIR / "fault_readers.py"
RUN_TIMEOUT = 600  # s: a run that hangs fails here instead of hanging the suite
PAGES = ("ks_clean_01.png", "kt_clean_01.png", "kh_clean_01.png", "ks_clean_02.png", "kt_clean_02.png",
         "kh_clean_02.png")  # fmt: skip


def _env(work: Path, db_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "HOTICH_DB_URL": db_url, "HOTICH_QUARANTINE_DIR": str(work / "q"),
            "HOTICH_PAGE_STORE": str(work / "pages"), "PREFECT_HOME": str(work / "prefect"), "HOTICH_WORKERS": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")])),
            **extra}  # fmt: skip


def _scans(work: Path, names: tuple[str, ...], marked: str | None = None) -> Path:
    scans = work / "scans"
    scans.mkdir(parents=True, exist_ok=True)
    for name in names:
        dest = scans / (f"FAULT-{name}" if name == marked else name)
        shutil.copy(SAMPLES / name, dest)
    return scans


def _group(pgid: int) -> list[str]:
    """The processes still in a process group we started ("pid command" lines)."""
    done = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True, text=True, timeout=30)
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def _kill_group(pgid: int, grace: float = 10.0) -> list[str]:
    """Wait up to ``grace`` s for a process group we started to empty, then kill what is left; returns it."""
    deadline = time.monotonic() + grace
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    return left


def _drive(work: Path, db_url: str, scans: Path, reader: str | None, timeout: float = RUN_TIMEOUT,
           extra_args: tuple[str, ...] = (), **env: str) -> tuple[dict, subprocess.CompletedProcess]:  # fmt: skip
    """The digitize flow with ``reader`` in its own process group; returns (summary, process)."""
    args = [sys.executable, str(DRIVER), "run", "--db", db_url, *extra_args]
    args += ["--reader", reader] if reader else []
    proc = subprocess.Popen([*args, str(scans)], cwd=work, env=_env(work, db_url, **env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        leftovers = _kill_group(proc.pid)
    done = subprocess.CompletedProcess(args, proc.returncode, out, err)
    assert proc.returncode == 0, out[-3000:] + err[-3000:]
    assert not leftovers, f"the run left processes behind: {leftovers}"
    return json.loads(out.strip().splitlines()[-1]), done


def _q(db_url: str, sql: str, **params: object) -> list[tuple]:
    from sqlalchemy import text

    from store import Store

    with Store(db_url) as s, s.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _file_status(db_url: str) -> dict[str, tuple[str, str | None]]:
    """{file path: (page status, reason)} for one-page files."""
    rows = _q(db_url, "select f.path, p.status, p.reason from page p join source_file f on f.sha256 = p.file_sha256")
    return {Path(path).name: (status, reason) for path, status, reason in rows}


def _assert_each_page_once(db_url: str, n_pages: int) -> int:
    """Every page processed, written exactly once, records unique; returns the number of records."""
    pages = _q(db_url, "select file_sha256, page_no, status from page")
    assert len(pages) == n_pages and {s for *_, s in pages} == {"processed"}, pages
    # each page written as processed exactly once (a failed attempt before it is its own event)
    loads: dict[str, int] = {}
    for subject, payload in _q(db_url, "select subject, payload from event where kind = 'load'"):
        payload = json.loads(payload) if isinstance(payload, str) else payload
        if payload["status"] == "processed":
            loads[subject] = loads.get(subject, 0) + 1
    assert len(loads) == n_pages and set(loads.values()) == {1}, loads
    n_records, n_ids, n_rows = _q(
        db_url, "select count(*), count(distinct record_id), count(distinct page_id * 1000 + row) from record")[0]
    assert n_records == n_ids == n_rows > 0
    from store import Store

    with Store(db_url) as s:
        report = s.verify_chain()
    assert report.ok, report
    return n_records


def _export(work: Path, db_url: str) -> list[dict]:
    out = work / "records.jsonl"
    # --include-unreviewed: every record, also those needing review (the default leaves them out)
    done = subprocess.run([str(HOTICH), "export", "--format", "jsonl", "--out", str(out), "--db", db_url,
                           "--include-unreviewed"], cwd=work,
                          env=_env(work, db_url), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------------------- SIGKILL ----


def test_sigkill_mid_batch_then_rerun(db_url: str, tmp_path: Path) -> None:
    scans = _scans(tmp_path, PAGES)
    env = _env(tmp_path, db_url)
    from store import Store

    with Store(db_url) as s:
        s.migrate()  # so the poll below can read the tables from the start
    proc = subprocess.Popen([str(HOTICH), "run", str(scans)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + RUN_TIMEOUT
    loaded = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            loaded = _q(db_url, "select count(*) from run_page where outcome = 'processed'")[0][0]
            if loaded >= 2:
                break
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before it could be killed mid-batch"
        assert loaded >= 2, "no progress before the deadline"
        os.kill(proc.pid, signal.SIGKILL)  # the process only, as the OOM killer or `kill -9` would
        proc.wait(30)
    finally:
        time.sleep(2)  # page workers notice the dead parent (EOF on their pipe) and exit by themselves
        orphans = _kill_group(proc.pid)
    (first_run,) = _q(db_url, "select id from run")
    before = {
        "pages_loaded": _q(db_url, "select count(*) from page where status = 'processed'")[0][0],
        "records": _q(db_url, "select count(*) from record")[0][0],
    }
    assert 2 <= before["pages_loaded"] < len(PAGES)

    second = subprocess.run([str(HOTICH), "run", str(scans)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=RUN_TIMEOUT)  # fmt: skip
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]

    n_records = _assert_each_page_once(db_url, len(PAGES))
    with Store(db_url) as s:
        runs = {r: s.run_summary(r) for (r,) in _q(db_url, "select id from run")}
    killed = runs.pop(first_run[0])
    (rerun,) = runs.values()
    # the killed run's loads stand; the rerun did exactly the rest
    assert killed["processed"] == before["pages_loaded"] and killed["entries"] == before["records"]
    assert rerun["processed"] + killed["processed"] == len(PAGES)
    ((counts,),) = _q(db_url, "select counts from run where id = :r", r=rerun["run_id"])
    counts = json.loads(counts) if isinstance(counts, str) else counts
    assert counts["skipped_already_processed"] == killed["processed"]
    assert killed["entries"] + rerun["entries"] == n_records
    records = _export(tmp_path, db_url)
    assert len(records) == n_records == len({r["record_id"] for r in records})
    print(f"\n[{db_url.split(':', 1)[0]}] SIGKILL after {before['pages_loaded']}/{len(PAGES)} pages "
          f"({before['records']} records); rerun processed {rerun['processed']} pages; after: {len(PAGES)} pages, "
          f"{n_records} records, {len(records)} exported, 1 load event per page; "
          f"processes left behind by the kill: {orphans or 'none'}")


# ------------------------------------------------------------------------------ crash and hang ----


def test_worker_crash_fails_that_page_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hotich.db'}"
    scans = _scans(tmp_path, PAGES[:3], marked=PAGES[1])
    summary, _ = _drive(tmp_path, db, scans, "fault_readers:crash_reader")
    assert (summary["processed"], summary["failed"], summary["status"]) == (2, 1, "completed"), summary
    status = _file_status(db)
    assert status[f"FAULT-{PAGES[1]}"][0] == "failed"
    assert "worker process died (signal SIGSEGV)" in status[f"FAULT-{PAGES[1]}"][1]
    assert all(status[n][0] == "processed" for n in (PAGES[0], PAGES[2]))
    # the failed page is retryable: the next run (normal reader) redoes it and only it
    again, _ = _drive(tmp_path, db, scans, None)
    assert (again["processed"], again["failed"], again["skipped_already_processed"]) == (1, 0, 2), again
    _assert_each_page_once(db, 3)


def test_worker_hang_fails_that_page_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hotich.db'}"
    scans = _scans(tmp_path, PAGES[:3], marked=PAGES[0])
    # the deadline must outlast a good page's read with its worker's start-up on a slow machine: at 8 s, on a
    # day the machine read plain Tesseract 2.3 times slower, the two good pages overran it too
    summary, _ = _drive(tmp_path, db, scans, "fault_readers:hang_reader", HOTICH_PAGE_TIMEOUT_SECONDS="30")
    assert (summary["processed"], summary["failed"], summary["status"]) == (2, 1, "completed"), summary
    status = _file_status(db)
    assert status[f"FAULT-{PAGES[0]}"] == ("failed", "timed out after 30 s (worker killed and replaced)")
    assert all(status[n][0] == "processed" for n in PAGES[1:3])


# ------------------------------------------------------------------------------- database away ----


def test_database_outage_is_retried(db_url: str, tmp_path: Path) -> None:
    scans = _scans(tmp_path, PAGES[:2], marked=PAGES[0])
    log = tmp_path / "restored_at"
    extra = ("--busy-timeout-ms", "300") if db_url.startswith("sqlite") else ()
    summary, done = _drive(tmp_path, db_url, scans, "fault_readers:outage_reader", extra_args=extra,
                           HOTICH_FAULT_OUTAGE_DB=db_url, HOTICH_FAULT_OUTAGE_SECONDS="3",
                           HOTICH_FAULT_OUTAGE_LOG=str(log))  # fmt: skip
    assert (summary["processed"], summary["failed"], summary["status"]) == (2, 0, "completed"), summary
    assert "database unavailable, retrying load" in done.stdout + done.stderr  # the retry path, not luck
    restored = datetime.fromtimestamp(float(log.read_text()), UTC)
    ((loaded_at,),) = _q(db_url, "select rp.loaded_at from run_page rp join page p on p.id = rp.page_id "
                                 "join source_file f on f.sha256 = p.file_sha256 where f.path like :m",
                         m=f"%FAULT-{PAGES[0]}")  # fmt: skip
    if isinstance(loaded_at, str):
        loaded_at = datetime.fromisoformat(loaded_at)
    if loaded_at.tzinfo is None:
        loaded_at = loaded_at.replace(tzinfo=UTC)
    assert loaded_at >= restored.replace(microsecond=0)  # it landed after the outage, not before
    _assert_each_page_once(db_url, 2)


# ----------------------------------------------------------------------------------- two at once ----


def test_two_runs_at_once_load_each_entry_once(db_url: str, tmp_path: Path) -> None:
    scans = _scans(tmp_path, PAGES[:3])
    from store import Store

    with Store(db_url) as s:
        s.migrate()
    env = _env(tmp_path, db_url)
    procs = [subprocess.Popen([str(HOTICH), "run", str(scans)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True) for _ in range(2)]  # fmt: skip
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=RUN_TIMEOUT))
    finally:
        for p in procs:
            _kill_group(p.pid)
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out[-3000:] + err[-3000:]
    n_records = _assert_each_page_once(db_url, 3)
    runs = [json.loads(c) if isinstance(c, str) else c for (c,) in _q(db_url, "select counts from run")]
    assert len(runs) == 2
    # both runs account for every page (read it, or found it done by the other one); each written once
    assert all(r["processed"] + r["skipped_already_processed"] == 3 and r["failed"] == 0 for r in runs), runs
    (changed,) = _q(db_url, "select count(*) from run_page where changed = :t", t=True)[0]
    assert changed == 3
    records = _export(tmp_path, db_url)
    assert len(records) == n_records == len({r["record_id"] for r in records})
    print(f"\n[{db_url.split(':', 1)[0]}] two runs at once: "
          + "; ".join(f"run read {r['processed']} (changed {r['processed'] - r.get('unchanged', 0)}), "
                      f"skipped {r['skipped_already_processed']}" for r in runs)
          + f"; store: 3 pages, {n_records} records, {len(records)} exported")
