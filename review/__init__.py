"""The reviewers' workbench (issue 5): a web app to correct uncertain fields beside their image.

Public surface:

- ``create_app(config=None)``: the ASGI app (FastAPI); ``ReviewConfig.from_env()`` refuses to build
  one without ``HOTICH_SECRET_KEY`` (``ConfigError``).
- accounts: ``add_user``, ``list_users``, ``disable_user``, ``authenticate``, ``UserError``, ``ROLES``.
- queue: ``sync_queue``, ``in_sample``.
- duplicate pairs (also importable from ``store.review_models`` without web dependencies):
  ``save_pairs``, ``pairs_for_review``, ``decide_pair``, ``pair_decisions``.
"""

from __future__ import annotations

from review._app import create_app
from review._config import ConfigError, ReviewConfig
from review._queue import in_sample, sync_queue
from review._users import UserError, add_user, authenticate, disable_user, list_users
from store.review_models import ROLES, decide_pair, pair_decisions, pairs_for_review, save_pairs

__all__ = [
    "ROLES",
    "ConfigError",
    "ReviewConfig",
    "UserError",
    "add_user",
    "authenticate",
    "create_app",
    "decide_pair",
    "disable_user",
    "in_sample",
    "list_users",
    "pair_decisions",
    "pairs_for_review",
    "save_pairs",
    "sync_queue",
]
