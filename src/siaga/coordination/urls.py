from django.urls import path

from siaga.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.index, name="index"),
    path("rapat/<int:pk>/", views.meeting_detail, name="meeting"),
    path("tindak-lanjut/<int:pk>/", views.action_item_done, name="action_done"),
    path("laporan/", views.report_index, name="reports"),
    path("laporan/baru/", views.report_new, name="report_new"),
    path("laporan/<int:pk>/", views.report_detail, name="report"),
    path("rujukan/", views.referral_index, name="referrals"),
    path("rujukan/<int:pk>/terima/", views.referral_acknowledge, name="referral_ack"),
]
