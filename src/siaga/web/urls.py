from django.contrib.auth import views as auth_views
from django.urls import path

from siaga.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("wilayah/", views.region_index, name="region_index"),
    path("wilayah/<str:code>/", views.region_detail, name="region_detail"),
    path("peta/", views.tps_map, name="tps_map"),
    path("tps/", views.tps_index, name="tps_index"),
    path("tps/<int:pk>/", views.tps_detail, name="tps_detail"),
]
