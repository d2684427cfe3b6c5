"""The review web app (FastAPI, server-rendered Jinja2, a little plain JS; no build step, no CDN).

Every route states the permission it needs (``need(perm)``); every POST also checks the session's
CSRF token (form field ``csrf`` or header ``X-CSRF-Token``) and, when the browser sends one, the
Origin. Records and images of a record are served to a reviewer only while they hold its claim (or
the claim of a duplicate pair that contains it); auditors read everything, change nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.templates import template_by_id
from review import _images, _queue, _records, _users
from review._config import ReviewConfig
from review._security import RateLimiter, SecurityHeaders, login_token, parse_form, same
from review._validate import validate
from store import Run, Store
from store.db import READONLY
from store.review_models import DECISIONS, ReviewClaim, decide_pair, get_pair, pairs_for_review

log = logging.getLogger("hotich.review")

SESSION_COOKIE = "hotich_session"
LOGIN_COOKIE = "hotich_login"
# who may do what; reviewers see a record only while they hold its claim (checked per route)
PERMS: dict[str, frozenset[str]] = {
    "any": frozenset({"reviewer", "operator", "auditor", "admin"}),
    "review": frozenset({"reviewer"}),
    "read": frozenset({"reviewer", "auditor"}),
    "dashboard": frozenset({"auditor", "operator", "admin"}),
    "runs": frozenset({"operator", "admin"}),
    "users": frozenset({"admin"}),
    "export": frozenset({"auditor"}),
    "sync": frozenset({"operator", "admin"}),
}
HOME = {"reviewer": "/queue", "auditor": "/dashboard", "operator": "/runs", "admin": "/users"}
_SYNC_EVERY_S = 60.0


@dataclass(slots=True)
class Ctx:
    user: dict[str, Any]
    form: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.user["name"])

    @property
    def role(self) -> str:
        return str(self.user["role"])


class _State:
    def __init__(self, config: ReviewConfig) -> None:
        self.config = config
        self.store = Store(config.db_url)
        self.pages = _images.PageCache(config.page_store)
        self.limiter = RateLimiter(config.login_max_failures, config.login_window_s)
        self.last_sync = 0.0

    def sync(self, force: bool = False) -> dict[str, int] | None:
        if not force and time.monotonic() - self.last_sync < _SYNC_EVERY_S:
            return None
        self.last_sync = time.monotonic()
        return _queue.sync_queue(self.store, self.config.quality_sample)


def _templates() -> Jinja2Templates:
    root = Path(str(resources.files("review"))) / "templates"
    # autoescape everywhere, whatever the file name: every value shown may come from a scan
    env = Environment(
        loader=FileSystemLoader(str(root)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["pct"] = lambda v: "—" if v is None else f"{100 * v:.1f} %"
    env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False)
    return Jinja2Templates(env=env)


def create_app(config: ReviewConfig | None = None, *, migrate: bool = True) -> FastAPI:
    """The ASGI app. ``config`` defaults to the environment: no HOTICH_SECRET_KEY, no app (ConfigError)."""
    config = config or ReviewConfig.from_env()
    state = _State(config)
    if migrate:
        state.store.migrate()
    state.sync(force=True)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.review = state
    templates = _templates()
    static_dir = Path(str(resources.files("review"))) / "static"
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    def page(request: Request, name: str, ctx: Ctx | None, status: int = 200, **values: Any) -> HTMLResponse:
        values |= {"user": ctx.user if ctx else None, "csrf": ctx.user["csrf"] if ctx else ""}
        return templates.TemplateResponse(request, name, values, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        wants_html = "text/html" in request.headers.get("accept", "")
        if exc.status_code == 401 and request.method == "GET" and wants_html:
            return RedirectResponse("/login", 303)
        if wants_html:
            return templates.TemplateResponse(
                request, "error.html", {"user": None, "csrf": "", "status": exc.status_code, "detail": exc.detail},
                status_code=exc.status_code,
            )  # fmt: skip
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    # -- login ------------------------------------------------------------------------------------

    @app.get("/login")
    def login_form(request: Request) -> HTMLResponse:
        nonce = secrets.token_urlsafe(24)
        resp = page(request, "login.html", None, token=login_token(config.secret_key, nonce), error=None)
        _set_cookie(resp, LOGIN_COOKIE, nonce, config, max_age=3600)
        return resp

    @app.post("/login")
    async def login(request: Request) -> Response:
        _check_origin(request)
        try:
            form = parse_form(await request.body())
        except (ValueError, UnicodeDecodeError) as e:
            raise HTTPException(400, "bad form") from e
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        if not same(form.get("csrf"), login_token(config.secret_key, nonce) if nonce else None):
            raise HTTPException(403, "missing or wrong CSRF token")
        name = form.get("name", "")[:64]
        ip = request.client.host if request.client else "?"
        keys = (f"user:{name.lower()}", f"ip:{ip}")
        wait = state.limiter.blocked(*keys)
        if wait > 0:
            log.warning("login rate limit hit from %s", ip)
            resp = page(request, "login.html", None, status=429, token=form.get("csrf"),
                        error="Quá nhiều lần thử / too many attempts: try again later")  # fmt: skip
            resp.headers["retry-after"] = str(int(wait) + 1)
            return resp
        user = _users.authenticate(state.store, name, form.get("password", ""))
        if user is None:
            state.limiter.fail(*keys)
            log.info("login failed from %s", ip)
            return page(request, "login.html", None, status=401, token=form.get("csrf"),
                        error="Sai tên hoặc mật khẩu / wrong name or password")  # fmt: skip
        state.limiter.reset(keys[0])
        # a fresh session id at every login: a token planted before login is worthless after it
        token, _csrf = _users.create_session(
            state.store,
            user["id"],
            config.secret_key,
            config.session_hours,
            request.cookies.get(SESSION_COOKIE),
        )
        resp = RedirectResponse(HOME.get(user["role"], "/"), 303)
        _set_cookie(resp, SESSION_COOKIE, token, config, max_age=int(config.session_hours * 3600))
        resp.delete_cookie(LOGIN_COOKIE, path="/")
        log.info("login %s (%s)", user["name"], user["role"])
        return resp

    @app.post("/logout")
    def logout(request: Request, ctx: AnyPost) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            _users.end_session(state.store, config.secret_key, token)
        resp = RedirectResponse("/login", 303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    @app.get("/")
    def home(ctx: AnyGet) -> Response:
        return RedirectResponse(HOME.get(ctx.role, "/login"), 303)

    # -- queue and records --------------------------------------------------------------------------

    @app.get("/queue")
    def queue(request: Request, ctx: ReviewGet) -> HTMLResponse:
        state.sync()
        depth = _queue.queue_depth(state.store)
        mine = [
            s.removeprefix("record:")
            for s in _queue.live_claims(state.store, ctx.name)
            if s.startswith("record:")
        ]
        return page(request, "queue.html", ctx, depth=depth, mine=mine,
                    pairs=len(pairs_for_review(state.store, limit=1000)))  # fmt: skip

    @app.post("/next")
    def next_record(request: Request, ctx: ReviewPost) -> Response:
        register, book = ctx.form.get("register") or None, ctx.form.get("book") or None
        return _goto_next(ctx.name, register, book)

    def _goto_next(user: str, register: str | None, book: str | None) -> Response:
        rid = _queue.next_record(state.store, user, config.claim_minutes, register, book)
        if rid is None:
            return RedirectResponse("/queue?empty=1", 303)
        log.info("claim record %s by %s", rid, user)
        query = urlencode({k: v for k, v in (("register", register), ("book", book)) if v})
        return RedirectResponse(f"/records/{rid}" + (f"?{query}" if query else ""), 303)

    def _record_or_404(rid: str) -> _records.RecordView:
        view = _records.load_record(state.store, rid)
        if view is None:
            raise HTTPException(404, "no such record")
        return view

    def _may_read(ctx: Ctx, rid: str) -> bool:
        """Auditors read every record; a reviewer only one they hold (alone or inside a claimed pair)."""
        if ctx.role == "auditor":
            return True
        for subject in _queue.live_claims(state.store, ctx.name):
            if subject == f"record:{rid}" or (subject.startswith("pair:") and rid in subject[5:].split("|")):
                return True
        return False

    @app.get("/records/{rid}")
    def record(request: Request, rid: str, ctx: ReadGet) -> HTMLResponse:
        view = _record_or_404(rid)
        editable = ctx.role == "reviewer"
        if editable and not _queue.holds(state.store, f"record:{rid}", ctx.name):
            holder, until = None, None
            with state.store.engine.connect().execution_options(**{READONLY: True}) as conn:
                row = conn.execute(
                    select(ReviewClaim.user_name, ReviewClaim.expires_at).where(
                        ReviewClaim.subject == f"record:{rid}"
                    )
                ).first()
            if row is not None and _queue._aware(row.expires_at) > _queue._now():
                holder, until = row.user_name, _queue._aware(row.expires_at)
            status = 409 if holder else 403
            detail = ("Bản ghi đang được người khác duyệt / another reviewer is working on this record"
                      if holder else "Nhận bản ghi từ hàng đợi / take records from the queue")  # fmt: skip
            log.info("record %s refused to %s (%s)", rid, ctx.name, "claimed" if holder else "not claimed")
            return page(request, "error.html", ctx, status=status, detail=detail, until=until)
        events = _records.history(state.store, rid)
        return page(
            request, "record.html", ctx, r=view, editable=editable, events=events,
            titles=_column_titles(view.template_id), register=request.query_params.get("register", ""),
            book=request.query_params.get("book", ""),
        )  # fmt: skip

    @app.post("/records/{rid}/claim")
    def claim_record(rid: str, ctx: ReviewPost) -> Response:
        _record_or_404(rid)
        ok, _holder, _until = _queue.claim(state.store, f"record:{rid}", ctx.name, config.claim_minutes)
        if not ok:
            raise HTTPException(409, "another reviewer is working on this record")
        return RedirectResponse(f"/records/{rid}", 303)

    @app.post("/records/{rid}/release")
    def release_record(rid: str, ctx: ReviewPost) -> Response:
        _queue.release(state.store, f"record:{rid}", ctx.name)
        return RedirectResponse("/queue", 303)

    def _require_claim(ctx: Ctx, rid: str) -> None:
        if not _queue.holds(state.store, f"record:{rid}", ctx.name):
            raise HTTPException(409, "you do not hold this record (claim expired or taken)")

    def _apply(view: _records.RecordView, key: str, typed_raw: str, user: str) -> dict[str, Any]:
        f = view.field(key)
        if f is None:
            raise HTTPException(404, "no such field")
        typed = _records.clean_typed(typed_raw)
        value, status, reason = _records.canonical(f.type, typed)
        if value == f.value and (f.confirmed or not f.attention):
            return {"key": key, "value": value, "status": status, "changed": False}
        why = "accepted" if value == f.value else "corrected"
        if status not in ("ok", "empty"):
            why += "; kept as typed: " + (reason or status)
        state.store.correct_field(view.record_id, key, value, user, why)
        f.value, f.confirmed = value, True
        log.info("field %s of record %s %s by %s", key, view.record_id, why.split(";")[0], user)
        return {"key": key, "value": value, "status": status, "changed": True}

    @app.post("/records/{rid}/fields/{key}")
    def save_field(rid: str, key: str, ctx: ReviewPost) -> JSONResponse:
        if not _records.FIELD_KEY_RE.match(key):
            raise HTTPException(404, "no such field")
        _require_claim(ctx, rid)
        view = _record_or_404(rid)
        out = _apply(view, key, ctx.form.get("value", ""), ctx.name)
        _queue.claim(state.store, f"record:{rid}", ctx.name, config.claim_minutes)  # activity renews it
        return JSONResponse(out)

    @app.post("/records/{rid}/save")
    def save_record(rid: str, ctx: ReviewPost) -> Response:
        _require_claim(ctx, rid)
        view = _record_or_404(rid)
        for f in list(view.fields):
            sent = ctx.form.get(f"v.{f.key}")
            if sent is None:
                continue
            # an untouched field round-trips through the browser (which may drop newlines): compare
            # cleaned text so only a real edit of a non-attention field becomes a correction
            edited = sent != (f.value or "") and _records.clean_typed(sent) != _records.clean_typed(
                f.value or ""
            )
            if f.attention or edited:
                _apply(view, f.key, sent, ctx.name)
        fresh = _record_or_404(rid)
        since = _queue._aware(fresh.item["queued_at"]) if fresh.item else None
        orig = _records.original_values(state.store.events(subject=f"record:{rid}"), since)
        checked = len(fresh.attention)
        changed = sum(1 for f in fresh.attention if f.key in orig and orig[f.key] != f.value)
        if fresh.item is None:  # opened outside the queue: record the review all the same
            _queue.sync_queue(state.store, 0.0)
        _queue.finish_review(state.store, rid, ctx.name, checked, changed)
        log.info("record %s reviewed by %s: %d fields checked, %d changed", rid, ctx.name, checked, changed)
        return _goto_next(ctx.name, ctx.form.get("register") or None, ctx.form.get("book") or None)

    @app.post("/api/validate")
    def api_validate(ctx: ReviewPost) -> JSONResponse:
        rid, key = ctx.form.get("record_id", ""), ctx.form.get("key", "")
        if not _records.FIELD_KEY_RE.match(key):
            raise HTTPException(404, "no such field")
        view = _record_or_404(rid)
        f = view.field(key)
        ftype = f.type if f else "text"
        return JSONResponse(validate(ftype, _records.clean_typed(ctx.form.get("value", ""))))

    # -- images: only what the record's page references; the path is built from the database ---------

    def _image(ctx: Ctx, rid: str) -> tuple[_records.RecordView, Any]:
        if not _records.RECORD_ID_RE.match(rid):
            raise HTTPException(404, "no such record")
        if not _may_read(ctx, rid):
            log.info("image of record %s refused to %s", rid, ctx.name)
            raise HTTPException(403, "not your record")
        view = _record_or_404(rid)
        return view, state.pages.get(view.sha256, view.page_no)

    def _png(body: bytes) -> Response:
        return Response(body, media_type="image/png")

    @app.get("/records/{rid}/crop/{key}.png")
    def field_crop(rid: str, key: str, ctx: ReadGet) -> Response:
        if not _records.FIELD_KEY_RE.match(key):
            raise HTTPException(404, "no such field")
        view, img = _image(ctx, rid)
        f = view.field(key)
        if f is None:
            raise HTTPException(404, "no such field")
        if img is None:
            return _png(_images.blank_png())
        # a field OCR could not place: the whole entry row is the best crop there is
        return _png(_images.crop_png(img, f.bbox or view.bbox))

    @app.get("/records/{rid}/row.png")
    def row_crop(rid: str, ctx: ReadGet) -> Response:
        view, img = _image(ctx, rid)
        return _png(_images.blank_png() if img is None else _images.crop_png(img, view.bbox, margin=0.1))

    @app.get("/records/{rid}/page.png")
    def page_image(rid: str, ctx: ReadGet) -> Response:
        view, img = _image(ctx, rid)
        return _png(_images.blank_png() if img is None else _images.page_png(img, view.bbox))

    # -- duplicate pairs ----------------------------------------------------------------------------

    @app.get("/pairs")
    def pairs_index(request: Request, ctx: ReviewGet) -> HTMLResponse:
        return page(request, "pairs.html", ctx, pairs=pairs_for_review(state.store, limit=50))

    def _next_pair(user: str) -> Response:
        for p in pairs_for_review(state.store, limit=20):
            subject = f"pair:{p['record_id_l']}|{p['record_id_r']}"
            if _queue.claim(state.store, subject, user, config.claim_minutes)[0]:
                return RedirectResponse(f"/pairs/{p['record_id_l']}/{p['record_id_r']}", 303)
        return RedirectResponse("/pairs?empty=1", 303)

    @app.post("/pairs/next")
    def pairs_next(ctx: ReviewPost) -> Response:
        return _next_pair(ctx.name)

    def _pair_or_404(left: str, right: str) -> dict[str, Any]:
        if not (_records.RECORD_ID_RE.match(left) and _records.RECORD_ID_RE.match(right)) or left == right:
            raise HTTPException(404, "no such pair")
        p = get_pair(state.store, left, right)
        if p is None:
            raise HTTPException(404, "no such pair")
        return p

    @app.get("/pairs/{left}/{right}")
    def pair(request: Request, left: str, right: str, ctx: ReadGet) -> HTMLResponse:
        p = _pair_or_404(left, right)
        subject = f"pair:{p['record_id_l']}|{p['record_id_r']}"
        if ctx.role == "reviewer" and not _queue.holds(state.store, subject, ctx.name):
            raise HTTPException(409, "take pairs from the pairs queue (another reviewer may hold this one)")
        a, b = (
            _records.load_record(state.store, p["record_id_l"]),
            _records.load_record(state.store, p["record_id_r"]),
        )
        keys = sorted({f.key for v in (a, b) if v for f in v.fields if not f.page_level},
                      key=lambda k: _records_order(a or b, k))  # fmt: skip
        return page(request, "pair.html", ctx, p=p, a=a, b=b, keys=keys, evidence=_evidence(p["weights"]),
                    editable=ctx.role == "reviewer")  # fmt: skip

    @app.post("/pairs/{left}/{right}/decide")
    def pair_decide(left: str, right: str, ctx: ReviewPost) -> Response:
        p = _pair_or_404(left, right)
        subject = f"pair:{p['record_id_l']}|{p['record_id_r']}"
        if not _queue.holds(state.store, subject, ctx.name):
            raise HTTPException(409, "you do not hold this pair")
        decision = ctx.form.get("decision", "")
        if decision not in DECISIONS:
            raise HTTPException(400, "decision must be same, different or unsure")
        decide_pair(state.store, left, right, decision, ctx.name, ctx.form.get("reason") or None)
        _queue.release(state.store, subject, ctx.name)
        log.info("pair %s|%s decided %s by %s", p["record_id_l"], p["record_id_r"], decision, ctx.name)
        return _next_pair(ctx.name)

    # -- dashboard, runs, users, export ---------------------------------------------------------------

    @app.get("/dashboard")
    def dashboard(request: Request, ctx: DashboardGet) -> HTMLResponse:
        state.sync()
        return page(
            request, "dashboard.html", ctx, depth=_queue.queue_depth(state.store),
            statuses=_queue.records_by_status(state.store), rates=_queue.reviewer_rates(state.store),
            sample=_queue.sample_error_rate(state.store), share=config.quality_sample,
        )  # fmt: skip

    @app.post("/queue/sync")
    def queue_sync(ctx: SyncPost) -> Response:
        counts = state.sync(force=True)
        log.info("queue sync by %s: %s", ctx.name, counts)
        return RedirectResponse("/dashboard", 303)

    @app.get("/runs")
    def runs(request: Request, ctx: RunsGet) -> HTMLResponse:
        with state.store.engine.connect().execution_options(**{READONLY: True}) as conn:
            rows = conn.execute(select(Run).order_by(Run.started_at.desc()).limit(200)).all()
        return page(request, "runs.html", ctx, runs=[dict(r._mapping) for r in rows])

    @app.get("/runs/{run_id}")
    def run_detail(request: Request, run_id: str, ctx: RunsGet) -> HTMLResponse:
        if not run_id.isalnum() or len(run_id) > 32:
            raise HTTPException(404, "no such run")
        try:
            summary = state.store.run_summary(run_id)
        except KeyError as e:
            raise HTTPException(404, "no such run") from e
        return page(request, "run.html", ctx, s=summary)

    @app.get("/users")
    def users(request: Request, ctx: UsersGet) -> HTMLResponse:
        return page(request, "users.html", ctx, users=_users.list_users(state.store), error=None)

    @app.post("/users")
    def users_add(request: Request, ctx: UsersPost) -> Response:
        f = ctx.form
        try:
            _users.add_user(
                state.store, f.get("name", ""), f.get("role", ""), f.get("password", ""), actor=ctx.name
            )
        except _users.UserError as e:
            return page(
                request, "users.html", ctx, status=400, users=_users.list_users(state.store), error=str(e)
            )
        return RedirectResponse("/users", 303)

    @app.post("/users/{name}/disable")
    def users_disable(name: str, ctx: UsersPost) -> Response:
        if name == ctx.name:
            raise HTTPException(400, "you cannot disable yourself")
        if not _users.disable_user(state.store, name, actor=ctx.name):
            raise HTTPException(404, "no such enabled user")
        return RedirectResponse("/users", 303)

    @app.get("/export.jsonl")
    def export(ctx: ExportGet) -> StreamingResponse:
        state.store.append_event("export", "records", {"format": "jsonl", "via": "review app"}, ctx.name)

        def lines() -> Iterator[bytes]:
            for rec in state.store.iter_records():
                yield (json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")

        return StreamingResponse(
            lines(), media_type="application/x-ndjson",
            headers={"content-disposition": 'attachment; filename="records.jsonl"'},
        )  # fmt: skip

    app.add_middleware(SecurityHeaders)
    return app


async def _auth(request: Request, perm: str, post: bool) -> Ctx:
    state: _State = request.app.state.review
    config = state.config
    token = request.cookies.get(SESSION_COOKIE)
    # the look-up is blocking I/O: off the event loop, like the sync routes
    user = (
        await run_in_threadpool(_users.session_user, state.store, config.secret_key, token) if token else None
    )
    if user is None:
        raise HTTPException(401, "login required")
    if user["role"] not in PERMS[perm]:
        log.info("forbidden: %s (%s) %s %s", user["name"], user["role"], request.method, request.url.path)
        raise HTTPException(403, "your role does not allow this")
    ctx = Ctx(user)
    if post:
        _check_origin(request)
        try:
            ctx.form = parse_form(await request.body())
        except (ValueError, UnicodeDecodeError) as e:
            raise HTTPException(400, "bad form") from e
        sent = ctx.form.get("csrf") or request.headers.get("x-csrf-token")
        if not same(sent, user["csrf"]):
            log.info("csrf refused: %s %s %s", user["name"], request.method, request.url.path)
            raise HTTPException(403, "missing or wrong CSRF token")
    return ctx


def need(perm: str, post: bool = False) -> Callable[[Request], Awaitable[Ctx]]:
    async def dep(request: Request) -> Ctx:
        return await _auth(request, perm, post)

    return dep


AnyGet = Annotated[Ctx, Depends(need("any"))]
AnyPost = Annotated[Ctx, Depends(need("any", post=True))]
DashboardGet = Annotated[Ctx, Depends(need("dashboard"))]
ExportGet = Annotated[Ctx, Depends(need("export"))]
ReadGet = Annotated[Ctx, Depends(need("read"))]
ReviewGet = Annotated[Ctx, Depends(need("review"))]
ReviewPost = Annotated[Ctx, Depends(need("review", post=True))]
RunsGet = Annotated[Ctx, Depends(need("runs"))]
SyncPost = Annotated[Ctx, Depends(need("sync", post=True))]
UsersGet = Annotated[Ctx, Depends(need("users"))]
UsersPost = Annotated[Ctx, Depends(need("users", post=True))]


def _check_origin(request: Request) -> None:
    """A browser's POST carries Origin: it must be this site (defence in depth beside SameSite + CSRF)."""
    origin = request.headers.get("origin")
    if origin is None:  # not a browser, or a same-origin navigation of an old browser
        return
    host = request.headers.get("host", "")
    if origin.split("://", 1)[-1] != host:
        raise HTTPException(403, "cross-origin request refused")


def _set_cookie(resp: Response, name: str, value: str, config: ReviewConfig, max_age: int) -> None:
    resp.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, secure=config.secure_cookies, samesite="strict"
    )


def _column_titles(template_id: str | None) -> dict[str, str]:
    try:
        t = template_by_id(template_id or "")
    except KeyError:
        return {}
    out = {f.key: (f.label or f.key) for f in t.page_fields}
    for c in t.columns:
        for f in c.fields:
            out[f.key] = c.title
    return out


def _records_order(view: _records.RecordView | None, key: str) -> tuple[int, str]:
    if view is None:
        return (0, key)
    keys = [f.key for f in view.fields]
    return (keys.index(key) if key in keys else 999, key)


def _evidence(weights: dict[str, Any]) -> list[dict[str, Any]]:
    """Per comparison: its level and weight in bits (the dedup engine's mw_* / *_level columns)."""
    rows = []
    for k, v in sorted(weights.items()):
        if k.startswith("mw_"):
            name = k[3:]
            rows.append({"name": name, "weight": v, "level": weights.get(f"{name}_level")})
    rows.sort(key=lambda r: -abs(r["weight"] or 0))
    return rows
