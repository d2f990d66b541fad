"""GeoJSON text for the live map, built without a round-trip through Python objects."""

import json


def status_feature_collection(points) -> str:
    features = ",".join(
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":%s}'
        % (lng, lat, json.dumps({"id": pk, "kode": code, "nama": name, "tahap": stage, "gangguan": disturbed,
                                 "ditunda": suspended, "terlambat": overdue,
                                 "t": at.isoformat() if at else None}))
        for pk, code, name, lat, lng, stage, disturbed, suspended, overdue, at in points)
    return '{"type":"FeatureCollection","features":[' + features + "]}"
