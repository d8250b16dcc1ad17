from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from registry.views import auth as auth_views
from registry.views.health import HealthView

admin.site.site_header = _("Kutim Koperasi: administrasi")
admin.site.site_title = _("Kutim Koperasi")
admin.site.index_title = _("Administrasi registri koperasi")

urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", auth_views.AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("registry.urls")),
]

# An unreachable database raised outside a view still gives the 503 page, not the 500 one.
handler500 = "kutim_koperasi.middleware.server_error"
