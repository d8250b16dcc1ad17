"""The one access rule for our views: a permission, never is_staff; records through for_user()."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class RegistryPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; signed-in users without the permission get 403.

    Views that show records get them with `Model.objects.for_user(request.user)`, so a record
    outside the user's kecamatan is a 404 that does not confirm it exists.
    """

    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()
