"""End to end in a real browser: Debian's chromium driven by Playwright, against uvicorn on loopback.

Skipped (saying why) when /usr/bin/chromium or playwright is missing; never downloads a browser.
Screenshots of the queue and the record screen go to $HOTICH_SCREENSHOT_DIR (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from review import ReviewConfig, add_user, create_app
from review.demo import load_demo
from store import Store
from store.review_models import pair_decisions, save_pairs

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
PASSWORD = "password-123"
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="pip install playwright (no browser download)"
)
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="apt-get install chromium")

# counts real key presses in the page (reset by every navigation): keystrokes per field
KEY_COUNTER = "window.__keys = 0; addEventListener('keydown', () => { window.__keys += 1; }, true);"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict]:
    import uvicorn

    url = f"sqlite:///{tmp_path / 'review.db'}"
    store = Store(url)
    store.migrate()
    truth = load_demo(store, tmp_path / "pages", pages=2, rows=3)
    for name, role in (("rev", "reviewer"), ("rev2", "reviewer"), ("aud", "auditor"), ("adm", "admin")):
        add_user(store, name, role, PASSWORD)
    rids = sorted(truth)
    save_pairs(store, [{"record_id_l": rids[1], "record_id_r": rids[4], "probability": 0.71,
                        "weights": {"mw_nksHoTen": 4.2, "nksHoTen_level": "jaro>=0.92",
                                    "mw_nksNgaySinh": -3.1, "nksNgaySinh_level": "else"}}])  # fmt: skip
    config = ReviewConfig(db_url=url, page_store=tmp_path / "pages", secret_key="b" * 48, quality_sample=0.0)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "store": store, "truth": truth, "rids": rids}
    srv.should_exit = True
    thread.join(10)
    store.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _login(browser, base: str, name: str):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    ctx.add_init_script(KEY_COUNTER)
    page = ctx.new_page()
    page.goto(f"{base}/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    return page


def _shots() -> Path | None:
    d = os.environ.get("HOTICH_SCREENSHOT_DIR")
    return Path(d) if d else None


def _until(page, js: str, timeout_s: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a JS expression via evaluate (wait_for_function would eval() in the page: our CSP forbids it)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(js):
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        time.sleep(0.05)


def _keys(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("window.__keys"))


def test_keyboard_review_end_to_end(server, browser, tmp_path: Path) -> None:
    base, store, truth = server["base"], server["store"], server["truth"]
    page = _login(browser, base, "rev")
    assert page.url.endswith("/queue")
    shots = _shots() or tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "review_queue.png"), full_page=True)
    page.keyboard.press("n")  # start
    page.wait_for_url("**/records/**")
    rid = page.locator("#rid").inner_text()
    t = truth[rid]
    playwright_api.expect(page.locator("#f-nksHoTen")).to_be_focused()
    _until(
        page, "[...document.images].filter(i => i.offsetParent).every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(shots / "review_record.png"), full_page=True)

    # 1) a correct field read with low confidence: one Enter accepts it
    k0 = _keys(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#row-nksHoTen.done:not(.pending)")
    accept_keys = _keys(page) - k0
    assert page.evaluate("document.activeElement.id") == "f-nksNgaySinh"  # focus moved on

    # 2) a misread date: typing replaces the value, Enter stores it (canonical ISO form)
    typed = "/".join(reversed(t["nksNgaySinh"].split("-")))
    k0 = _keys(page)
    page.keyboard.type(typed)
    playwright_api.expect(page.locator("#hint-nksNgaySinh")).to_contain_text("→")  # live validation
    page.keyboard.press("Enter")
    page.wait_for_selector("#row-nksNgaySinh.done:not(.pending)")
    fix_keys = _keys(page) - k0
    assert page.input_value("#f-nksNgaySinh") == t["nksNgaySinh"]
    print(f"\nkeystrokes: accept a correct field = {accept_keys}; fix a wrong one = {fix_keys} "
          f"(typed {len(typed)} characters + 1)")  # fmt: skip
    assert accept_keys == 1 and fix_keys == len(typed) + 1

    # 3) save and open the next record with the shortcut
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: rid not in u)
    nxt = page.locator("#rid").inner_text()
    assert nxt != rid

    # the values and their audit events are in the database
    rec = next(r for r in store.iter_records() if r["record_id"] == rid)
    assert rec["fields"]["nksNgaySinh"]["value"] == t["nksNgaySinh"]
    assert rec["fields"]["nksHoTen"]["value"] == t["nksHoTen"] and rec["status"] == "ok"
    evs = store.events(subject=f"record:{rid}")
    got = [(e["kind"], e["payload"].get("key"), e["payload"].get("reason"), e["actor"]) for e in evs]
    assert ("correction", "nksHoTen", "accepted", "rev") in got
    assert ("correction", "nksNgaySinh", "corrected", "rev") in got
    assert got[-1][0] == "review" and evs[-1]["payload"]["fields_changed"] == 1

    # 4) the next record has a field OCR could not read: keyed from the crop (Vietnamese text)
    if page.locator("#f-nksNoiSinh").count():
        place = truth[nxt]["nksNoiSinh"]
        page.focus("#f-nksNoiSinh")
        page.keyboard.type(place)
        page.keyboard.press("Enter")
        page.wait_for_selector("#row-nksNoiSinh.done:not(.pending)")
        rec = next(r for r in store.iter_records() if r["record_id"] == nxt)
        assert rec["fields"]["nksNoiSinh"]["value"] == place

    # 5) a second reviewer cannot open the record the first one holds
    other = _login(browser, base, "rev2")
    resp = other.goto(f"{base}/records/{nxt}")
    assert resp.status == 409 and "another reviewer" in other.locator("#error").inner_text()
    # ... nor reach admin pages
    assert other.goto(f"{base}/users").status == 403

    # 6) the history of the first record is visible to an auditor, before and after included
    aud = _login(browser, base, "aud")
    aud.goto(f"{base}/records/{rid}")
    hist = aud.locator("#history").inner_text()
    assert "accepted" in hist and "corrected" in hist and "review" in hist
    assert t["nksNgaySinh"] in hist  # the corrected value ...
    assert evs[1]["payload"]["before"] in hist or evs[0]["payload"]["before"] in hist  # ... and the OCR one


def test_duplicate_pair_decided_with_one_key(server, browser) -> None:
    base, store, rids = server["base"], server["store"], server["rids"]
    page = _login(browser, base, "rev")
    page.goto(f"{base}/pairs")
    page.keyboard.press("n")
    page.wait_for_url("**/pairs/*/*")
    assert "+4.20" in page.locator("#evidence").inner_text()
    _until(page, "[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.keyboard.press("d")
    page.wait_for_url("**/pairs?empty=1")
    assert pair_decisions(store) == {(rids[1], rids[4]): False}
    ev = store.events(subject=f"pair:{rids[1]}|{rids[4]}")
    assert ev[-1]["payload"]["decision"] == "different" and ev[-1]["actor"] == "rev"


def test_chromium_keeps_the_secure_session_cookie_on_loopback(server, browser) -> None:
    page = _login(browser, server["base"], "rev")
    cookies = {c["name"]: c for c in page.context.cookies()}
    s = cookies["hotich_session"]
    assert s["secure"] and s["httpOnly"] and s["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # HttpOnly: scripts never see the session


def test_enter_that_commits_an_ime_composition_does_not_accept_the_field(server, browser) -> None:
    # Vietnamese IMEs (Telex, VNI) compose syllables and may commit them with Enter
    page = _login(browser, server["base"], "rev")
    page.keyboard.press("n")
    page.wait_for_url("**/records/**")
    playwright_api.expect(page.locator("#f-nksHoTen")).to_be_focused()
    page.evaluate(
        """() => {
        const el = document.getElementById('f-nksHoTen');
        el.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
        el.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true}));
        el.dispatchEvent(new CompositionEvent('compositionend', {data: 'Ễ'}));
    }"""
    )
    assert page.locator("#row-nksHoTen.done").count() == 0
    assert page.evaluate("document.activeElement.id") == "f-nksHoTen"
    page.keyboard.press("Enter")  # after the composition, Enter accepts as usual
    page.wait_for_selector("#row-nksHoTen.done:not(.pending)")
