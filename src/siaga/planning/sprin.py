"""The Surat Perintah (Sprin) issued from an approved Rencana Pengamanan, with its annex of names per
post, and each officer's assignment sheet (where, when, with whom, call sign, post commander).

Names come from the approved version's deployment plan (its named person assignments); a post without
a named roster lists its officers as counts per unit.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from siaga.deployment.selectors import sees_names
from siaga.planning.approval import latest_approved
from siaga.planning.renpam import classification
from siaga.planning.renpam.config import renpam_config
from siaga.planning.renpam.content import document_number, kop_lines, reader_line
from siaga.planning.renpam.figures import renpam_figures
from siaga.planning.renpam.fmt import day, num, period
from siaga.planning.renpam.posts import plan_posts_named
from siaga.planning.renpam.render import render

CLASS_LABELS = ("Kurang rawan", "Rawan", "Sangat rawan", "Khusus")


def approved_version(operation):
    version = latest_approved(operation)
    if version is None:
        raise ValidationError(f"Rencana pengamanan {operation.name} belum disahkan: Sprin diterbitkan dari rencana "
                              "yang telah disahkan")
    return version


def _duty_window(figures):
    voting = next((s for s in figures.stages if s.kind == "pemungutan"), None)
    if voting is None:
        return "sesuai tahapan"
    return f"{period(voting.starts_on, voting.ends_on)} ({renpam_config()['shift_hours']})"


def sprin_content(*, viewer, operation, when=None) -> dict:
    version = approved_version(operation)
    config = renpam_config()
    figures = renpam_figures(viewer, operation, plan=version.deployment_plan)
    posts = plan_posts_named(viewer, figures)
    when = when or timezone.localdate()
    named = any(p.people for p in posts)
    level = classification.highest(config["classification_floor"],
                                   config["named_roster_classification"] if named else None)
    renpam_no = document_number(config["number_format"], timezone.localdate(version.approved_at), version.number_seq)
    officers = sum(p.polri_assigned for p in posts)
    sections = [
        ("Pertimbangan", [("p", f"Bahwa dalam rangka pengamanan {figures.election_label} di {figures.area_name}, "
                                f"perlu mengeluarkan Surat Perintah pelaksanaan {operation.name}.")]),
        ("Dasar", [("list", config["dasar"] + [f"Rencana Pengamanan {operation.name} Nomor {renpam_no} yang "
                                               f"disahkan pada {day(version.approved_at)}."])]),
        ("DIPERINTAHKAN", [("p", "Kepada: personel Polri sebagaimana tercantum dalam lampiran Surat Perintah ini"
                                 + (f" ({num(officers)} personel pada {num(len(posts))} pos)." if posts else "."))]),
        ("Untuk", [("list", [
            f"Melaksanakan pengamanan {figures.election_label} pada pos sebagaimana tercantum dalam lampiran, "
            f"pada {_duty_window(figures)}.",
            f"Melaksanakan tugas sesuai Rencana Pengamanan Nomor {renpam_no} dan cara bertindak setiap tahapan.",
            f"Melaporkan situasi kepada Posko Ops Polres melalui {config['komunikasi']['post_channel']} sesuai "
            "jadwal pelaporan, dan segera bila terjadi kejadian menonjol.",
            f"Surat Perintah ini berlaku sejak {day(operation.starts_on)} sampai dengan {day(operation.ends_on)}.",
            "Melaksanakan perintah ini dengan saksama dan penuh rasa tanggung jawab.",
        ])]),
        ("Selesai.", []),
    ]
    return {
        "kop": kop_lines(operation.organiser), "classification": classification.LABELS[level], "level": level,
        "number": document_number(config["sprin_number_format"], when, version.number_seq),
        "title": "SURAT PERINTAH", "subtitle": "", "meta": [reader_line(viewer, operation.organiser)],
        "sections": sections,
        "signature": {"place_date": f"Dikeluarkan di {config['place']}, {day(when)}", **config["signer"]},
        "tembusan": [],
        "annexes": [("LAMPIRAN: DAFTAR PERSONEL PER POS", _names_annex(posts, figures))],
    }


def _names_annex(posts, figures):
    if not posts:
        return [("p", f"Rencana penempatan personel untuk {figures.election_label} belum disusun.")]
    rows = []
    for post in posts:
        place = f"{post.desa}, {post.kecamatan} (TPS {', '.join(post.tps)})"
        if post.people:
            rows += [[post.label if n == 0 else "", place if n == 0 else "", f"{rank} {name}", nrp,
                      "Danpos" if n == 0 else "Anggota"] for n, (nrp, rank, name) in enumerate(post.people)]
        else:
            rows += [[post.label if n == 0 else "", place if n == 0 else "", f"{unit}{' (BKO)' if bko else ''}",
                      "-", f"{num(count)} personel"] for n, (unit, count, bko) in enumerate(post.units)]
            if not post.units:
                rows.append([post.label, place, "belum ada personel", "-", f"kurang {num(post.polri_required)}"])
    return [("p", "Personel bernama tercantum bila daftar personel tersedia; selain itu jumlah per kesatuan."),
            ("table", ["Pos", "Lokasi", "Pangkat / Nama atau Kesatuan", "NRP", "Keterangan"], rows)]


def sprin_document(*, viewer, operation, fmt) -> bytes:
    with translation.override("id"):
        return render(sprin_content(viewer=viewer, operation=operation), fmt)


def officer_sheets(*, viewer, operation, nrp=None) -> list[dict]:
    """Assignment sheets of the named officers on the approved plan's posts in the viewer's area (one
    officer's when ``nrp`` is given). Viewers who may not see names get none."""
    if not sees_names(viewer):
        return []
    version = approved_version(operation)
    config = renpam_config()
    figures = renpam_figures(viewer, operation, plan=version.deployment_plan)
    calls = {k.polres: k.call_sign for k in figures.kabs}
    when = _duty_window(figures)
    sheets = []
    for post in plan_posts_named(viewer, figures):
        commander = post.commander
        for person in post.people:
            if nrp and person[0] != nrp:
                continue
            sheets.append({
                "nrp": person[0], "rank": person[1], "name": person[2], "post": post.label, "polres": post.polres,
                "place": f"{post.desa}, Kec. {post.kecamatan}, {post.kabkota}", "tps": post.tps,
                "klass": CLASS_LABELS[post.klass], "lat": post.lat, "lng": post.lng, "when": when,
                "with": [f"{r} {n} ({p})" for p, r, n in post.people if p != person[0]],
                "call_sign": post.label, "channel": config["komunikasi"]["post_channel"],
                "commander": f"{commander[1]} {commander[2]} ({commander[0]})",
                "is_commander": commander[0] == person[0],
                "commander_contact": f"{config['komunikasi']['post_channel']}; Posko Ops {post.polres} "
                                     f"({calls.get(post.polres, '')}, {config['komunikasi']['polres_channel']})",
            })
    return sheets
