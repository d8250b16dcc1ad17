from django.urls import path

from .views import auth, dashboard

app_name = "registry"

urlpatterns = [
    path("", auth.HomeView.as_view(), name="home"),
    path("dasbor/", dashboard.DashboardView.as_view(), name="dashboard"),
]
