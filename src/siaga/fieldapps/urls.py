from django.urls import path

from siaga.fieldapps import views

app_name = "fieldapps"

_OPENROSA = [
    ("formList", views.form_list, "form_list"),
    ("forms/<str:form_id>/form.xml", views.form_xml, "form_xml"),
    ("forms/<str:form_id>/manifest", views.manifest, "manifest"),
    ("forms/<str:form_id>/media/<str:filename>", views.media_file, "media"),
    ("submission", views.submission, "submission"),
]

urlpatterns = [path("perangkat/", views.device_board, name="devices")]
for route, view, name in _OPENROSA:
    urlpatterns.append(path(route, view, name=name))
    urlpatterns.append(path(f"key/<str:key>/{route}", view, name=f"key_{name}"))
