"""The security plan (Rencana Pengamanan) as DOCX or PDF, in Indonesian, built from the data.

The content is assembled in siaga.planning.renpam (figures, content, annexes) through the viewer's
selectors, so the document shows exactly what the viewer may see: intelligence comes through the
section coordination registers in siaga.planning.providers (its clearance, sharing and read log with
via="document"). An approved version's document is stored and returned unchanged (approval.py).
"""

from django.utils import translation

from siaga.planning.renpam.content import renpam_content
from siaga.planning.renpam.figures import LATEST, renpam_figures
from siaga.planning.renpam.fmt import day
from siaga.planning.renpam.render import render

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def day_text(value):
    """14 Februari 2024 ('-' for None)."""
    return day(value)


def plan_content(*, viewer, operation, version=None, when=None) -> dict:
    with translation.override("id"):
        plan = version.deployment_plan if version is not None else LATEST
        return renpam_content(viewer=viewer, figures=renpam_figures(viewer, operation, plan=plan), version=version,
                              when=when)


def plan_document(*, viewer, operation, fmt, version=None, when=None) -> bytes:
    """The plan in Indonesian whatever the viewer's interface language (it is an official document)."""
    content = plan_content(viewer=viewer, operation=operation, version=version, when=when)
    with translation.override("id"):
        return render(content, fmt)
