"""Who must pass a second factor, and where a session stands with it.

At sign-in the session is marked with the step still owed: a code from an enrolled device
("verify"), or enrolment itself ("enrol") for an Admin Dinas or superuser without a device while
SECOND_FACTOR_REQUIRED is on. SecondFactorMiddleware holds the user at that step; passing it
clears the mark. The mark is computed once at sign-in, so pages pay no query for it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

ADMIN_ROLE = "Admin Dinas"
SESSION_KEY = "second_factor_step"
VERIFY = "verify"
ENROL = "enrol"


def is_required(user):
    """Whether this user may not work without a second factor."""
    if not settings.SECOND_FACTOR_REQUIRED:
        return False
    return user.is_superuser or user.groups.filter(name=ADMIN_ROLE).exists()


def step_owed(user):
    """The step a freshly signed-in user owes: VERIFY, ENROL or None."""
    if user_has_device(user, confirmed=True):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def mark_session_at_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver: every way in (the login page, /admin/, tests' force_login) passes here."""
    if request is None or not hasattr(request, "session"):
        return
    step = step_owed(user)
    if step:
        request.session[SESSION_KEY] = step
    else:
        request.session.pop(SESSION_KEY, None)


def step_passed(request):
    request.session.pop(SESSION_KEY, None)


@dataclass(frozen=True)
class Status:
    """What the account page says about a user's second factor."""

    required: bool
    app_enrolled_at: datetime | None
    backup_codes_left: int

    @property
    def enrolled(self):
        return self.app_enrolled_at is not None


def status(user):
    app = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-created_at").first()
    return Status(
        required=is_required(user),
        app_enrolled_at=app.created_at if app else None,
        backup_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )


def locked_until(user):
    """When the user's devices take codes again after wrong ones (django-otp's throttling), or None."""
    waits = []
    for device in devices_for_user(user):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(data["locked_until"])
    return max(waits, default=None)
