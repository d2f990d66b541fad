from django.urls import path

from siaga.operations import stream, views

app_name = "operations"
urlpatterns = [
    path("", views.command, name="command"),
    path("stream/", stream.live_updates, name="stream"),
    path("insiden/", views.incident_index, name="incident_index"),
    path("insiden/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("insiden/<int:pk>/aksi/", views.incident_act, name="incident_act"),
    path("lapor/", views.field_report, name="field"),
    path("lapor/masuk/", views.field_reports, name="field_reports"),
    path("lapor/foto/<int:pk>/", views.event_photo, name="event_photo"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("unit/", views.unit_board, name="units"),
    path("laporan/", views.after_action, name="after_action"),
    path("ulang/", views.revotes, name="revotes"),
]
