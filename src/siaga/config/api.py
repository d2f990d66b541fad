"""The JSON API: one NinjaAPI; each app contributes a router. OpenAPI at /api/docs."""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI

from siaga import features
from siaga.accounts.auth import API_AUTH
from siaga.core.codes import CodeError
from siaga.regions.api import router as regions_router

api = NinjaAPI(title="Siaga API", version="1", auth=API_AUTH, urls_namespace="api")
api.add_router("/", regions_router)
for label in features.present():
    if label not in ("regions", "accounts") and (app_api := features.module(label, "api")):
        api.add_router(f"/{label}/", app_api.router)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "Akses ditolak / access denied"}, status=403)


@api.exception_handler(CodeError)
def bad_code(request, exc):
    detail = f"Kode wilayah atau TPS '{exc}' tidak valid / invalid region or TPS code '{exc}'"
    return api.create_response(request, {"detail": detail}, status=400)
