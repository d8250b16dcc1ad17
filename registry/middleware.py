"""Session limits, the second-factor step and the board accounts' reach, checked on every request of a
signed-in user."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject
from django.utils.translation import gettext as _

from . import access, query_params, second_factor
from .models import BOARD_ROLE
from .roles import ROLES

STARTED_KEY = "session_started_at"
SEEN_KEY = "session_seen_at"
# The last activity is written at most this often (seconds): a session row written on every
# request would cost a write per page. The idle limit is then met within this margin.
SEEN_RESOLUTION = 60


def mark_session_at_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver: the clock of both limits starts at sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


class CachedAccessMiddleware:
    """A signed-in user's permissions, roles and area from the cache, kept valid by one query
    (registry/access.py): right after authentication, before anything asks a permission."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None:
            return self.get_response(request)
        # The user is read here anyway (is_authenticated): from now on request.user is the user
        # itself, not Django's lazy proxy, whose every attribute read (a page asks a few hundred:
        # permissions, area, names in the layout) went through two extra Python calls.
        if isinstance(user, LazyObject):
            user.is_authenticated  # noqa: B018 (loads the wrapped user)
            request.user = user = user._wrapped
        if not user.is_authenticated:
            return self.get_response(request)
        access.load(user)
        reset = access.request_token.set(user.access_token)
        try:
            return self.get_response(request)
        finally:
            access.request_token.reset(reset)


class SessionTimeoutMiddleware:
    """Ends a session 12 hours after sign-in (SESSION_COOKIE_AGE) or after SESSION_IDLE_TIMEOUT
    without a request, and sends the user to the login page with a message saying so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._ended(request.session, int(time.time()))
            if ended:
                logout(request)
                messages.info(request, ended)
                next_url = request.get_full_path() if request.method in ("GET", "HEAD") else reverse(
                    settings.LOGIN_REDIRECT_URL
                )
                return redirect_to_login(next_url)
        return self.get_response(request)

    def _ended(self, session, now):
        """Why the session is over (a message), or None after noting the activity."""
        started = session.get(STARTED_KEY)
        seen = session.get(SEEN_KEY)
        if started is None or seen is None:  # signed in before these limits existed
            session[STARTED_KEY] = started or now
            session[SEEN_KEY] = now
            return None
        if now - started >= settings.SESSION_COOKIE_AGE:
            return _("Sesi Anda berakhir karena sudah 12 jam sejak masuk. Silakan masuk lagi.")
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        if now - seen >= idle:
            return _("Sesi Anda berakhir karena tidak ada aktivitas selama %(minutes)d menit. Silakan masuk lagi.") % {
                "minutes": int(idle // 60)
            }
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN_KEY] = now
        return None


class SecondFactorMiddleware:
    """Holds a signed-in user at the second-factor step the session still owes (second_factor.py):
    every other page, /admin/ included, redirects there. Signing out and the language switch stay open."""

    OPEN_URL_NAMES = {"logout", "set_language"}
    STEP_URL_NAMES = {
        second_factor.VERIFY: "registry:second_factor_verify",
        second_factor.ENROL: "registry:second_factor_setup",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = request.session.get(second_factor.SESSION_KEY) if hasattr(request, "session") else None
        if step and request.user.is_authenticated:
            step_url = reverse(self.STEP_URL_NAMES[step])
            open_urls = {step_url, *(reverse(name) for name in self.OPEN_URL_NAMES)}
            if request.path not in open_urls:
                if request.method in ("GET", "HEAD"):
                    step_url = f"{step_url}?{urlencode({'next': request.get_full_path()})}"
                return redirect(step_url)
        return self.get_response(request)


class BoardAccountReachMiddleware:
    """A cooperative's board account (Pengurus Koperasi) reaches the portal, its own account and the
    sign-in pages; every other URL answers it 404, never a 403 that tells it the page exists.

    Why a middleware with an allow-list, not the views' permission mixin: the mixin covers the views
    that use it, and a new view without it (a file download, a JSON endpoint, Django admin, whose
    pages send a non-staff user to its login) would answer 403 or a redirect. Here every resolved
    URL is checked, and one the list does not name is closed to the board: a new portal page named
    `registry:portal_<...>` opens by its name, anything else must be added below on purpose. A URL
    that resolves to nothing is 404 for everyone already.

    It runs in `process_view` (the URL is resolved, `request.user` set), and sits before
    CsrfViewMiddleware in MIDDLEWARE so that a POST without a token is 404 too, not a CSRF 403 that
    would tell an existing URL from a missing one. The portal's own pages still check the running
    account (PortalMixin) and fetch only the cooperative's own records (404 on another's).

    Who is a board account costs no query: the user's permissions and group names are on the user
    already (CachedAccessMiddleware, registry/access.py, loads them before any view). Permissions
    are asked first, as every staff view asks them for its own check anyway; only a user holding
    nothing beyond the portal's permission is asked for their groups.
    """

    OPEN_URL_NAMES = frozenset({
        # Signing in and out, the language switch, the front door (which sends the board to the portal)
        "login", "logout", "set_language", "registry:home", "healthz",
        # One's own account: password and second factor
        "registry:account", "registry:password_change", "registry:second_factor_setup",
        "registry:second_factor_verify", "registry:backup_codes", "registry:second_factor_disable",
        # A document of one's own submission (the view fetches the account's cooperative's only)
        "registry:document_download",
    })
    OPEN_URL_PREFIX = "registry:portal_"
    PORTAL_PERMISSIONS = frozenset(f"registry.{codename}" for codename in ROLES[BOARD_ROLE])

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        name = request.resolver_match.view_name
        if name in self.OPEN_URL_NAMES or name.startswith(self.OPEN_URL_PREFIX):
            return None
        if self.is_board_account(user):
            raise Http404
        return None

    def is_board_account(self, user):
        """In the board's role and holding nothing beyond its permission (one who also holds a Dinas
        role, or a superuser, is staff: their pages answer by their permissions). A superuser is
        answered first: reading their permissions would load every permission there is."""
        if user.is_superuser or user.get_all_permissions() - self.PORTAL_PERMISSIONS:
            return False
        return BOARD_ROLE in user.role_names


class QueryParameterMiddleware:
    """Refuses a malformed query string with the 400 page, naming the fields (registry/query_params.py).

    Django admin keeps its own parameters: there only what no page can take is refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            admin = request.path_info.startswith("/admin/")
            found = query_params.problems(request.GET, typed=not admin)
            if found:
                response = render(request, "400.html", {"problems": found}, status=400)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in user is `Cache-Control: private, no-store`.

    Nearly every page behind the login names people (board members, members, who changed what)
    or shows a cooperative's finances, and a page forgotten by a per-view mixin would stay in a
    shared computer's browser cache or a proxy. Marking them all costs nothing: these pages are
    built per user anyway. Static files are served by whitenoise before this runs, and keep
    their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the user chose English with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language, so an office computer
    set up in English would show the registry in English to staff who never asked for it; the
    interface speaks Indonesian first. Only the choice made with the switch (the language cookie,
    kept for a year) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
