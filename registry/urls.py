from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
]
