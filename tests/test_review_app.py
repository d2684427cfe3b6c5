"""The review app over HTTP (ASGI, SQLite): roles per route, CSRF, sessions, headers, escaping, images."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from review import ConfigError, ReviewConfig, _queue, add_user, create_app
from review._app import PERMS
from review.demo import load_demo
from store import Store
from store.review_models import save_pairs

SECRET = "test-secret-" + "x" * 40
PASSWORD = "password-123"
ROLES = ("reviewer", "operator", "auditor", "admin")


@pytest.fixture
def env(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'review.db'}"
    store = Store(url)
    store.migrate()
    truth = load_demo(store, tmp_path / "pages", pages=2, rows=3)
    for role in ROLES:
        add_user(store, role[:3], role, PASSWORD)
    add_user(store, "rev2", "reviewer", PASSWORD)
    add_user(store, "victim", "reviewer", PASSWORD)
    rids = sorted(truth)
    save_pairs(store, [{"record_id_l": rids[0], "record_id_r": rids[3], "probability": 0.6,
                        "weights": {"mw_name": 5.0, "name_level": "exact"}}])  # fmt: skip
    config = ReviewConfig(db_url=url, page_store=tmp_path / "pages", secret_key=SECRET, quality_sample=0.0)
    app = create_app(config)
    yield {"app": app, "store": store, "truth": truth, "rids": rids, "config": config}
    store.dispose()


def login(app, name: str, password: str = PASSWORD) -> tuple[TestClient, str]:
    c = TestClient(app, base_url="https://testserver", follow_redirects=False)
    r = c.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.post("/login", data={"csrf": token, "name": name, "password": password})
    assert r.status_code == 303, r.text
    r = c.get(r.headers["location"])
    csrf = re.search(r'name="csrf-token" content="([^"]*)"', r.text).group(1)
    return c, csrf


def test_missing_secret_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HOTICH_SECRET_KEY"):
        ReviewConfig.from_env({"HOTICH_DB_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    with pytest.raises(ConfigError, match="too short"):
        ReviewConfig.from_env({"HOTICH_SECRET_KEY": "short"})
    with pytest.raises(ConfigError):
        ReviewConfig.from_env({})


def test_cli_refuses_to_serve_without_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    from hotich.commands.review import review_command

    monkeypatch.delenv("HOTICH_SECRET_KEY", raising=False)
    app = typer.Typer()
    app.command()(review_command)
    res = CliRunner().invoke(app, [])
    assert res.exit_code == 2 and "HOTICH_SECRET_KEY" in res.output


def _matrix(rids: list[str]) -> list[tuple[str, str, str, dict]]:
    """(method, path, permission, form) for every route but /login and /logout."""
    rid, other = rids[0], rids[3]
    return [
        ("GET", "/", "any", {}),
        ("GET", "/queue", "review", {}),
        ("GET", f"/records/{rid}", "read", {}),
        ("GET", f"/records/{rid}/crop/nksHoTen.png", "read", {}),
        ("GET", f"/records/{rid}/row.png", "read", {}),
        ("GET", f"/records/{rid}/page.png", "read", {}),
        ("GET", "/pairs", "review", {}),
        ("GET", f"/pairs/{rid}/{other}", "read", {}),
        ("GET", "/dashboard", "dashboard", {}),
        ("GET", "/runs", "runs", {}),
        ("GET", "/runs/0123abcd", "runs", {}),
        ("GET", "/users", "users", {}),
        ("GET", "/export.jsonl", "export", {}),
        ("POST", "/api/validate", "review", {"record_id": rid, "key": "nksNgaySinh", "value": "1/2/2001"}),
        ("POST", f"/records/{rid}/fields/nksHoTen", "review", {"value": "NGUYỄN VĂN AN"}),
        ("POST", f"/records/{rid}/claim", "review", {}),
        ("POST", f"/records/{rid}/save", "review", {}),
        ("POST", f"/records/{rid}/release", "review", {}),
        ("POST", "/next", "review", {}),
        ("POST", "/pairs/next", "review", {}),
        ("POST", f"/pairs/{rid}/{other}/decide", "review", {"decision": "unsure"}),
        ("POST", "/queue/sync", "sync", {}),
        ("POST", "/users", "users", {"name": "newbie", "role": "auditor", "password": "long enough pw"}),
        ("POST", "/users/victim/disable", "users", {}),
    ]


def _template(path: str, rids: list[str]) -> str:
    """A concrete path of the matrix back to its route shape, parameters as ``{}``."""
    for concrete in (rids[0], rids[3], "nksHoTen", "victim", "0123abcd"):
        path = path.replace(concrete, "{}")
    return path


def test_the_matrix_covers_every_route(env) -> None:
    declared = {
        (m, re.sub(r"\{\w+\}", "{}", r.path))
        for r in env["app"].routes if isinstance(r, APIRoute) for m in r.methods
    }  # fmt: skip
    tested = {(m, _template(p, env["rids"])) for m, p, _, _ in _matrix(env["rids"])}
    tested |= {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}
    assert declared == tested


@pytest.mark.parametrize("role", ROLES)
def test_every_route_enforces_its_role(env, role: str) -> None:
    store, rids = env["store"], env["rids"]
    c, csrf = login(env["app"], role[:3])
    for method, path, perm, form in _matrix(rids):
        if role == "reviewer":  # a reviewer reads only what they hold: give them the claims
            _queue.claim(store, f"record:{rids[0]}", "rev", 10)
            _queue.claim(store, f"pair:{rids[0]}|{rids[3]}", "rev", 10)
        if method == "GET":
            r = c.get(path, headers={"accept": "text/html"})
        else:
            r = c.post(path, data={**form, "csrf": csrf})
        allowed = role in PERMS[perm]
        if allowed:
            assert r.status_code not in (401, 403), (role, method, path, r.status_code)
        else:
            assert r.status_code == 403, (role, method, path, r.status_code)


def test_anonymous_requests_go_to_login(env) -> None:
    c = TestClient(env["app"], base_url="https://testserver", follow_redirects=False)
    for method, path, _perm, form in _matrix(env["rids"]):
        r = c.request(method, path, data=form or None, headers={"accept": "text/html"})
        if method == "GET":
            assert r.status_code == 303 and r.headers["location"] == "/login", path
        else:
            assert r.status_code == 401, path
    assert c.get("/records/x/row.png").status_code == 401  # a non-browser gets 401, not a redirect


def test_a_state_change_without_the_csrf_token_is_refused(env) -> None:
    c, csrf = login(env["app"], "rev")
    rid = env["rids"][0]
    _queue.claim(env["store"], f"record:{rid}", "rev", 10)
    before = env["store"].events(subject=f"record:{rid}")
    assert c.post(f"/records/{rid}/fields/nksHoTen", data={"value": "X"}).status_code == 403
    assert c.post(f"/records/{rid}/fields/nksHoTen", data={"value": "X", "csrf": "forged"}).status_code == 403
    assert c.post("/next", data={}).status_code == 403
    # the right token, from a foreign page: Origin is checked too
    r = c.post("/next", data={"csrf": csrf}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    assert env["store"].events(subject=f"record:{rid}") == before
    # the header form of the token (used by fetch) works
    r = c.post(f"/records/{rid}/fields/nksHoTen", data={"value": "X"}, headers={"x-csrf-token": csrf})
    assert r.status_code == 200
    # login itself needs its token
    anon = TestClient(env["app"], base_url="https://testserver", follow_redirects=False)
    assert anon.post("/login", data={"name": "rev", "password": PASSWORD}).status_code == 403


def test_session_id_is_renewed_at_login_and_cookies_are_locked_down(env) -> None:
    app = env["app"]
    # session fixation: a token known to an attacker is planted in the victim's browser
    attacker, _ = login(app, "rev2")
    planted = attacker.cookies.get("hotich_session")
    victim = TestClient(app, base_url="https://testserver", follow_redirects=False)
    victim.cookies.set("hotich_session", planted, domain="testserver.local")
    token = re.search(r'name="csrf" value="([^"]+)"', victim.get("/login").text).group(1)
    r = victim.post("/login", data={"csrf": token, "name": "rev", "password": PASSWORD})
    cookie = r.headers["set-cookie"]
    for attr in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert attr.lower() in cookie.lower()
    fresh = re.search(r"hotich_session=([^;]+)", cookie).group(1)
    assert fresh != planted
    assert attacker.get("/queue").status_code == 401  # the planted session died at the victim's login
    # logging out ends the session server-side: the old cookie is worthless afterwards
    c3, csrf3 = login(app, "rev")
    old = c3.cookies.get("hotich_session")
    assert c3.post("/logout", data={"csrf": csrf3}).status_code == 303
    c4 = TestClient(app, base_url="https://testserver", follow_redirects=False)
    c4.cookies.set("hotich_session", old, domain="testserver.local")
    assert c4.get("/queue").status_code == 401


def test_login_is_rate_limited(env) -> None:
    c = TestClient(env["app"], base_url="https://testserver", follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    for _ in range(env["config"].login_max_failures):
        assert (
            c.post("/login", data={"csrf": token, "name": "rev", "password": "wrong-password"}).status_code
            == 401
        )
    r = c.post("/login", data={"csrf": token, "name": "rev", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_security_headers_and_no_store(env) -> None:
    c, _ = login(env["app"], "aud")
    rid = env["rids"][0]
    for path in (f"/records/{rid}", f"/records/{rid}/row.png", "/dashboard", "/login"):
        h = c.get(path).headers
        assert (
            "script-src 'self'" in h["content-security-policy"]
            and "unsafe-inline" not in h["content-security-policy"]
        )
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["cache-control"] == "no-store"
    assert "max-age" in c.get("/static/review.js").headers["cache-control"]
    page = c.get(f"/records/{rid}").text
    assert "<script>" not in page and 'src="/static/review.js"' in page  # no inline script at all


def test_a_script_in_a_value_is_shown_escaped(env) -> None:
    store, rid = env["store"], env["rids"][0]
    store.correct_field(rid, "meHoTen", '<script>alert("x")</script>', "ocr-import")
    c, _ = login(env["app"], "aud")
    page = c.get(f"/records/{rid}").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_image_routes_refuse_paths_and_records_out_of_role(env) -> None:
    store, rids = env["store"], env["rids"]
    c, _ = login(env["app"], "rev")
    _queue.claim(store, f"record:{rids[1]}", "rev", 10)
    assert c.get(f"/records/{rids[1]}/row.png").status_code == 200
    assert c.get(f"/records/{rids[1]}/crop/nksHoTen.png").headers["content-type"] == "image/png"
    for bad in (
        "/records/../../etc/passwd/row.png", "/records/..%2F..%2Fetc%2Fpasswd/row.png",
        f"/records/{rids[1]}/crop/..%2F..%2Fetc%2Fpasswd.png", f"/records/{rids[1]}/crop/nosuchkey.png",
        "/records/%2Fetc%2Fpasswd/page.png", "/static/../review.db",
    ):  # fmt: skip
        assert c.get(bad).status_code in (403, 404), bad
    # another record's id: not held by this reviewer -> refused
    assert c.get(f"/records/{rids[2]}/row.png").status_code == 403
    assert c.get(f"/records/{rids[2]}/page.png").status_code == 403
    # an operator has no record access at all; an auditor reads any record
    op, _ = login(env["app"], "ope")
    assert op.get(f"/records/{rids[2]}/row.png").status_code == 403
    aud, _ = login(env["app"], "aud")
    assert aud.get(f"/records/{rids[2]}/row.png").status_code == 200


def test_a_second_reviewer_cannot_open_a_claimed_record(env) -> None:
    a, csrf_a = login(env["app"], "rev")
    r = a.post("/next", data={"csrf": csrf_a})
    rid = r.headers["location"].split("/")[2]
    assert a.get(f"/records/{rid}").status_code == 200
    b, csrf_b = login(env["app"], "rev2")
    assert b.get(f"/records/{rid}").status_code == 409
    assert b.post(f"/records/{rid}/claim", data={"csrf": csrf_b}).status_code == 409
    assert b.post(f"/records/{rid}/fields/nksHoTen", data={"csrf": csrf_b, "value": "X"}).status_code == 409
    assert b.get(f"/records/{rid}/row.png").status_code == 403
    r = b.post("/next", data={"csrf": csrf_b})
    assert r.headers["location"].split("/")[2] != rid


def test_save_records_corrections_and_counts_and_the_dashboard_shows_them(env) -> None:
    store, truth = env["store"], env["truth"]
    c, csrf = login(env["app"], "rev")
    rid = c.post("/next", data={"csrf": csrf}).headers["location"].split("/")[2]
    t = truth[rid]
    page = c.get(f"/records/{rid}").text
    assert 'id="f-nksHoTen"' in page and 'id="f-nksNgaySinh"' in page
    iso = t["nksNgaySinh"]
    typed = "/".join(reversed(iso.split("-")))  # the reviewer types 17/06/2010: stored as ISO
    r = c.post(
        f"/records/{rid}/save", data={"csrf": csrf, "v.nksHoTen": t["nksHoTen"], "v.nksNgaySinh": typed}
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/records/")
    rec = next(x for x in store.iter_records() if x["record_id"] == rid)
    assert rec["fields"]["nksNgaySinh"]["value"] == iso and rec["status"] == "ok"
    events = store.events(subject=f"record:{rid}")
    kinds = [(e["kind"], e["payload"].get("key"), e["payload"].get("reason")) for e in events]
    assert ("correction", "nksHoTen", "accepted") in kinds and (
        "correction",
        "nksNgaySinh",
        "corrected",
    ) in kinds
    assert events[-1]["kind"] == "review" and events[-1]["payload"]["fields_changed"] == 1
    assert events[-1]["payload"]["fields_checked"] == 2 and events[-1]["actor"] == "rev"
    assert store.verify_chain().ok
    aud, _ = login(env["app"], "aud")
    dash = aud.get("/dashboard").text
    assert "rev" in dash and "needs_review" in dash
    export = aud.get("/export.jsonl")
    assert export.status_code == 200 and len(export.text.splitlines()) == len(truth)
    assert json.loads(export.text.splitlines()[0])["record_id"]


def test_quality_sample_measures_the_error_rate_of_auto_accepted_fields(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    store = Store(url)
    store.migrate()
    load_demo(store, None, pages=4, rows=3, images=False)
    add_user(store, "rev", "reviewer", PASSWORD)
    add_user(store, "aud", "auditor", PASSWORD)
    app = create_app(ReviewConfig(db_url=url, page_store=tmp_path, secret_key=SECRET, quality_sample=1.0))
    c, csrf = login(app, "rev")
    sampled = [i for i in _queue.queue_depth(store) if i["kind"] == "sample"]
    assert sum(i["n"] for i in sampled) == 4  # every all-ok record (row 2 of each page) at share 1.0
    done = 0
    while True:
        r = c.post("/next", data={"csrf": csrf})
        if not r.headers["location"].startswith("/records/"):
            break
        rid = r.headers["location"].split("/")[2].split("?")[0]
        item = _queue.item_of(store, rid)
        form = {"csrf": csrf}
        if item["kind"] == "sample" and done == 0:
            form["v.meHoTen"] = "TRẦN THỊ SỬA"  # one auto-accepted field was wrong
        c.post(f"/records/{rid}/save", data=form)
        done += item["kind"] == "sample"
    rate = _queue.sample_error_rate(store)
    assert rate["records"] == 4 and rate["fields"] == 4 * 7 and rate["errors"] == 1
    aud, _ = login(app, "aud")
    assert "3.6 %" in aud.get("/dashboard").text


def test_users_cli_add_list_disable(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hotich.commands.review import users_app

    db = f"sqlite:///{tmp_path / 'u.db'}"
    run = CliRunner().invoke
    res = run(
        users_app,
        ["add", "ann", "--role", "auditor", "--password-stdin", "--db", db],
        input="long password 1\n",
    )
    assert res.exit_code == 0, res.output
    res = run(
        users_app, ["add", "bob", "--role", "reviewer", "--db", db], input="pw-number-two\npw-number-two\n"
    )
    assert res.exit_code == 0 and "pw-number-two" not in res.output  # asked twice, hidden
    assert (
        run(
            users_app, ["add", "eve", "--role", "root", "--password-stdin", "--db", db], input="x" * 12
        ).exit_code
        == 1
    )
    listed = run(users_app, ["list", "--db", db]).output
    assert "ann\tauditor\tactive" in listed and "bob\treviewer\tactive" in listed
    assert run(users_app, ["disable", "bob", "--db", db]).exit_code == 0
    assert "bob\treviewer\tdisabled" in run(users_app, ["list", "--db", db]).output
    assert run(users_app, ["disable", "nobody", "--db", db]).exit_code == 1
