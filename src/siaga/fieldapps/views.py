"""OpenRosa endpoints for ODK Collect / KoboCollect, and the device board. Thin: read credentials, call one
service or build one answer with openrosa.py."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from siaga.fieldapps import auth, media, openrosa, selectors, services, xlsform

XML = "text/xml; charset=utf-8"


def _answer(body="", status=200, content_type=XML):
    response = HttpResponse(body, status=status, content_type=content_type)
    response["X-OpenRosa-Version"] = openrosa.VERSION
    response["Date"] = http_date()
    return response


def _message(text, status, nature=""):
    return _answer(openrosa.response(text, nature), status=status)


def openrosa_view(view):
    """Authenticate (key in the path, Digest or Basic), answer in Indonesian, add the OpenRosa headers."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, key=None, **kwargs):
        with translation.override("id"):
            who = auth.credentials(request, key)
            if who.locked:
                return _message(_("Too many failed sign-ins; this account is locked for a while."), 403)
            if who.user is None:
                if key is not None:
                    return _message(_("This device key is not valid or was revoked."), 403)
                response = _message(_("Sign in with your username and device key."), 401)
                response["WWW-Authenticate"] = auth.challenge(stale=who.stale)
                return response
            request.odk_user, request.odk_device, request.odk_key = who.user, who.device, key
            if who.device is not None:
                services.device_seen(who.device)
            return view(request, *args, **kwargs)

    return wrapper


def _url(request, name, **kwargs):
    if request.odk_key is not None:
        name, kwargs = f"fieldapps:key_{name}", {"key": request.odk_key, **kwargs}
    else:
        name = f"fieldapps:{name}"
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


@openrosa_view
def form_list(request):
    wanted = request.GET.get("formID")
    entries = [{"formID": f.form_id, "name": f.title, "version": f.version, "hash": f.md5,
                "downloadUrl": _url(request, "form_xml", form_id=f.form_id),
                "manifestUrl": _url(request, "manifest", form_id=f.form_id) if f.media else None}
               for f in xlsform.forms().values() if not wanted or f.form_id == wanted]
    return _answer(openrosa.form_list(entries))


def _form(form_id):
    form = xlsform.form_get(form_id)
    if form is None:
        raise Http404(form_id)
    return form


@openrosa_view
def form_xml(request, form_id):
    return _answer(_form(form_id).xml)


@openrosa_view
def manifest(request, form_id):
    files = [{"filename": name, "hash": media.md5(media.media_file(name, request.odk_user)),
              "downloadUrl": _url(request, "media", form_id=form_id, filename=name)}
             for name in _form(form_id).media]
    return _answer(openrosa.manifest(files))


@openrosa_view
def media_file(request, form_id, filename):
    if filename not in _form(form_id).media:
        raise Http404(filename)
    return _answer(media.media_file(filename, request.odk_user), content_type="text/csv; charset=utf-8")


def _files(request):
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        return None, {}
    attachments = {}
    for name, f in request.FILES.items():
        if name != "xml_submission_file":
            if f.size > services.ATTACHMENT_MAX_BYTES:
                raise services.Refused(_("The attachment %(name)s is too large (%(kb)s KB); the limit is 10 MB.")
                                       % {"name": f.name, "kb": f.size // 1024}, status=413)
            attachments[f.name] = (f.read(), f.content_type or "application/octet-stream")
    return upload.read(), attachments


@openrosa_view
def submission(request):
    if request.method in ("HEAD", "GET"):
        response = _answer(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(openrosa.ACCEPT_CONTENT_LENGTH)
        return response
    if request.method != "POST":
        return _message(_("Use POST to send a submission."), 405)
    if int(request.META.get("CONTENT_LENGTH") or 0) > openrosa.ACCEPT_CONTENT_LENGTH:
        return _message(_("The submission is too large; the limit is 20 MB per request."), 413)
    try:
        xml, attachments = _files(request)
        if xml is None:
            return _message(_("The submission has no xml_submission_file part."), 400)
        sub, created = services.submission_receive(actor=request.odk_user, xml=xml, files=attachments,
                                                   device=request.odk_device)
    except services.Refused as refused:
        return _message(_("Report refused: %(reason)s") % {"reason": refused}, refused.status)
    if created:
        return _message(_("Report received and stored."), 201, "submit_success")
    return _message(_("This report was received before; it is stored once."), 202, "submit_success")


@login_required
def device_board(request):
    rows = selectors.device_list(viewer=request.user).order_by("-last_seen_at", "user__username")
    return render(request, "fieldapps/devices.html", {"rows": rows[:500],
                                                      "project_url": request.build_absolute_uri("/odk/")})
