from django.urls import path

from siaga.custody import views

app_name = "custody"
urlpatterns = [
    path("", views.index, name="index"),
    path("barang/<str:code>/", views.item_detail, name="item"),
    path("simpul/<str:code>/", views.node_detail, name="node"),
    path("simpul/<str:code>/label/", views.node_labels, name="labels"),
    path("simpul/<str:code>/serah-terima/", views.handover_new, name="handover_new"),
    path("serah-terima/<str:client_id>/", views.handover_detail, name="handover"),
    path("serah-terima/<str:client_id>/konfirmasi/", views.handover_confirm, name="handover_confirm"),
    path("serah-terima/<str:client_id>/kode/", views.handover_code, name="handover_code"),
    path("anomali/", views.anomaly_index, name="anomalies"),
    path("anomali/<int:pk>/selesai/", views.anomaly_resolve, name="anomaly_resolve"),
    path("pengawalan/", views.mission_index, name="missions"),
    path("checkpoint/", views.public_checkpoints, name="checkpoints"),
]
