from django.urls import path

from siaga.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.operation_detail, name="operation"),
    path("<int:pk>/dokumen.<str:fmt>", views.operation_document, name="document"),
    path("tahapan/<int:pk>/", views.stage_edit, name="stage_edit"),
    path("ancaman/<int:pk>/", views.threat_detail, name="threat"),
    path("kontinjensi/<int:pk>/aktifkan/", views.contingency_activate, name="contingency_activate"),
    path("kontinjensi/langkah/<int:pk>/", views.contingency_step, name="contingency_step"),
]
