from django.contrib import admin
from django.urls import include, path

from siaga import features
from siaga.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("siaga.web.urls")),
]
for label, prefix in features.FEATURE_APPS.items():
    if prefix and features.module(label, "urls"):
        urlpatterns.append(path(prefix, include(f"siaga.{label}.urls")))
