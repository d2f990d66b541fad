from django.urls import path

from siaga.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.risk_map, name="map"),
    path("ringkasan/", views.summary, name="summary"),
    path("daftar/", views.tps_list, name="tps_list"),
    path("impor/", views.observation_import, name="import"),
    path("tps/<str:code>/", views.tps_risk, name="tps"),
    path("ekspor/tps-rawan.xlsx", views.export_xlsx, name="export_xlsx"),
    path("ekspor/kelas.geojson", views.export_geojson, name="export_geojson"),
    path("ekspor/peta.png", views.export_png, name="export_png"),
]
