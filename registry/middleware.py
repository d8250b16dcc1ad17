"""Session limits and the second-factor step, checked on every request of a signed-in user."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import access, query_params, second_factor

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
        if user is None or not user.is_authenticated:
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
