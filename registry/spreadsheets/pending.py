"""Uploaded files kept between the dry run and the commit: on disk under a random token, the token in
the user's session. A path or token the client sends is only honoured when its session holds it.
"""

import json
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

SESSION_KEY = "pending_imports"
MAX_AGE = 6 * 3600
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


def _directory():
    path = Path(getattr(settings, "IMPORT_UPLOAD_DIR", Path(tempfile.gettempdir()) / "kutim-impor"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(request, *, data, file_name, kind, cooperative_id):
    token = secrets.token_urlsafe(24)
    (_directory() / token).write_bytes(data)
    pending = request.session.get(SESSION_KEY, {})
    now = time.time()
    for old, info in list(pending.items()):
        if now - info["at"] > MAX_AGE:
            discard(request, old, pending)
    pending[token] = {"name": file_name, "kind": kind, "cooperative": cooperative_id, "at": now}
    request.session[SESSION_KEY] = pending
    return token


def load(request, token):
    """(info, bytes) of a pending upload of this session, or None."""
    info = request.session.get(SESSION_KEY, {}).get(token)
    if not info or not _TOKEN_RE.fullmatch(token or ""):
        return None
    path = _directory() / token
    if not path.exists():
        return None
    return info, path.read_bytes()


def store_plan(token, plan):
    """Keep what the preview promised (imports.preview_plan) beside the upload, for the commit to check."""
    (_directory() / f"{token}.plan").write_text(json.dumps(plan))


def load_plan(request, token):
    """The preview's plan of a pending upload of this session, or None (then the commit checks only its own reads)."""
    if not request.session.get(SESSION_KEY, {}).get(token) or not _TOKEN_RE.fullmatch(token or ""):
        return None
    path = _directory() / f"{token}.plan"
    return json.loads(path.read_text()) if path.exists() else None


def discard(request, token, pending=None):
    pending = pending if pending is not None else request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if _TOKEN_RE.fullmatch(token or ""):
        (_directory() / token).unlink(missing_ok=True)
        (_directory() / f"{token}.plan").unlink(missing_ok=True)


def purge_abandoned(*, max_age: float = MAX_AGE) -> int:
    """Delete uploads kept longer than `max_age` seconds: checked and never committed (personal data)."""
    oldest = time.time() - max_age
    removed = 0
    for path in _directory().iterdir():
        # The upload and the preview's plan beside it (`<token>.plan`).
        if _TOKEN_RE.fullmatch(path.name.removesuffix(".plan")) and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
