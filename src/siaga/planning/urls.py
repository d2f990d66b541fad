from django.urls import path

from siaga.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.operation_detail, name="operation"),
    path("<int:pk>/dokumen.<str:fmt>", views.operation_document, name="document"),
    path("<int:pk>/versi/", views.version_create, name="version_create"),
    path("versi/<int:pk>/<str:step>/", views.version_step, name="version_step"),
    path("versi/<int:pk>/dokumen.<str:fmt>", views.version_document, name="version_document"),
    path("<int:pk>/sprin.<str:fmt>", views.sprin_document, name="sprin"),
    path("<int:pk>/lembar-tugas/", views.officer_sheets, name="sheets"),
    path("tahapan/<int:pk>/", views.stage_edit, name="stage_edit"),
    path("ancaman/<int:pk>/", views.threat_detail, name="threat"),
    path("kontinjensi/<int:pk>/aktifkan/", views.contingency_activate, name="contingency_activate"),
    path("kontinjensi/langkah/<int:pk>/", views.contingency_step, name="contingency_step"),
]
