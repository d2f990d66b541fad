"""Demo agencies and sign-ins for a province, built from the loaded regions."""

from siaga.accounts.models import AgencyKind, AgencyLevel, Role
from siaga.accounts.services import agency_upsert, user_upsert

DEMO_PASSWORD = "siaga-demo-2024"


def _short(name):
    for prefix in ("Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def demo_agencies(*, actor, province):
    """Polda, one Polres per kab/kota, one Polsek per kecamatan, KPU, Bawaslu, Kejati, TNI, Pemprov.

    `province` is a regions Region walked through `children`, so accounts needs no import of regions."""
    code = province.code
    polda = agency_upsert(actor=actor, code=f"POLDA-{code}", name=f"Polda {province.name}", kind=AgencyKind.POLRI,
                          level=AgencyLevel.PROVINCE, area_code=code, lat=province.lat, lng=province.lng)
    agency_upsert(actor=actor, code=f"KPU-{code}", name=f"KPU Provinsi {province.name}", kind=AgencyKind.KPU,
                  level=AgencyLevel.PROVINCE, area_code=code)
    agency_upsert(actor=actor, code=f"BAWASLU-{code}", name=f"Bawaslu Provinsi {province.name}",
                  kind=AgencyKind.BAWASLU, level=AgencyLevel.PROVINCE, area_code=code)
    agency_upsert(actor=actor, code=f"TNI-{code}", name=f"Korem {province.name}", kind=AgencyKind.TNI,
                  level=AgencyLevel.PROVINCE, area_code=code)
    agency_upsert(actor=actor, code=f"KEJATI-{code}", name=f"Kejaksaan Tinggi {province.name}",
                  kind=AgencyKind.KEJAKSAAN, level=AgencyLevel.PROVINCE, area_code=code)
    agency_upsert(actor=actor, code=f"PEMDA-{code}", name=f"Pemerintah Provinsi {province.name}",
                  kind=AgencyKind.PEMDA, level=AgencyLevel.PROVINCE, area_code=code)
    for kab in province.children.all():
        prefix = "Polresta" if kab.kind == "kota" else "Polres"
        polres = agency_upsert(actor=actor, code=f"POLRES-{kab.code}", name=f"{prefix} {_short(kab.name)}",
                               kind=AgencyKind.POLRI, level=AgencyLevel.KABKOTA, area_code=kab.code, parent=polda,
                               lat=kab.lat, lng=kab.lng)
        agency_upsert(actor=actor, code=f"KPU-{kab.code}", name=f"KPU {kab.name}", kind=AgencyKind.KPU,
                      level=AgencyLevel.KABKOTA, area_code=kab.code)
        for kec in kab.children.all():
            agency_upsert(actor=actor, code=f"POLSEK-{kec.code}", name=f"Polsek {kec.name}", kind=AgencyKind.POLRI,
                          level=AgencyLevel.KECAMATAN, area_code=kec.code, parent=polres, lat=kec.lat, lng=kec.lng)
    return polda


# username, agency code pattern, role, description
DEMO_USERS = [
    ("admin", "POLDA-{p}", Role.ADMIN, "Administrator Polda"),
    ("intelkam", "POLDA-{p}", Role.ANALYST, "Dit Intelkam Polda (analis)"),
    ("kapolda", "POLDA-{p}", Role.COMMANDER, "Pimpinan Polda (Kapolda)"),
    ("polres.kolaka", "POLRES-{p}.01", Role.OPERATOR, "Sat Intelkam Polres Kolaka (hanya kab/kota {p}.01)"),
    ("kpu", "KPU-{p}", Role.PARTNER, "KPU Provinsi"),
    ("bawaslu", "BAWASLU-{p}", Role.PARTNER, "Bawaslu Provinsi"),
    ("penyidik", "POLDA-{p}", Role.OPERATOR, "Penyidik Ditreskrimum Polda (Sentra Gakkumdu)"),
    ("kejaksaan", "KEJATI-{p}", Role.PARTNER, "Jaksa Kejaksaan Tinggi (Sentra Gakkumdu)"),
]


def demo_users(*, actor, province_code):
    from siaga.accounts.models import Agency

    created = []
    for username, agency_code, role, description in DEMO_USERS:
        agency = Agency.objects.get(code=agency_code.format(p=province_code))
        user_upsert(actor=actor, username=username, password=DEMO_PASSWORD, agency=agency, role=role,
                    full_name=description.format(p=province_code), is_staff=role == Role.ADMIN)
        created.append((username, description.format(p=province_code)))
    return created
