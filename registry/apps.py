from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registri koperasi")

    def ready(self):
        # Sign-in marks the session (clock of the session limits, second-factor step owed) for the
        # middleware: a receiver, because every way in passes through login(), /admin/ included.
        from django.core import checks
        from django.db.models.signals import post_migrate

        from . import access, key_check, middleware, second_factor
        from .models import BoardMember
        from .services.board_accounts import board_member_saved
        from .services.summary import connect_refresh_triggers

        user_logged_in.connect(middleware.mark_session_at_sign_in, dispatch_uid="registry_session_clock")
        user_logged_in.connect(second_factor.mark_session_at_sign_in, dispatch_uid="registry_second_factor")
        # The dashboard's figures follow every committed change of the records they count.
        connect_refresh_triggers()
        # The NIK keys must be the ones the database was written with: checked by every `check`
        # (also --deploy), `migrate` and `runserver`; the check value is written after migrate.
        checks.register(key_check.check_nik_keys, checks.Tags.security)
        post_migrate.connect(key_check.write_missing_key_check, sender=self, dispatch_uid="registry_nik_key_check")
        # Cached permissions, roles and areas are read afresh after any change of them (registry/access.py).
        access.connect_invalidation()
        # A board term that ends ends its portal account (registry/services/board_accounts.py).
        post_save.connect(board_member_saved, sender=BoardMember, dispatch_uid="registry_board_account_end")
