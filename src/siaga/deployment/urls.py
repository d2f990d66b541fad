from django.urls import path

from siaga.deployment import views

app_name = "deployment"
urlpatterns = [
    path("", views.index, name="index"),
    path("rencana-baru/", views.plan_new, name="plan_new"),
    path("simulasi/", views.whatif, name="whatif"),
    path("unit/", views.units, name="units"),
    path("rencana/<int:pk>/polsek/<str:code>.<str:fmt>", views.export_polsek, name="export_polsek"),
    path("rencana/<int:pk>/ringkasan/<str:area>.xlsx", views.export_summary, name="export_summary"),
]
