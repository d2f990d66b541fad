"""Parsing of the what-if form: class changes and unit strengths as plain dicts."""

from siaga.core.planner import CLASS_NAMES


def parse_whatif(post, units_by_code, tps_id_by_code):
    """({tps id: class}, {unit id: available}, errors) from the what-if form's lines 'code=value'."""
    overrides, strengths, errors = {}, {}, []
    classes = {name: k for k, name in CLASS_NAMES.items()}
    for n, line in enumerate(post.get("classes", "").splitlines(), start=1):
        if not line.strip():
            continue
        code, _, value = line.partition("=")
        tps_id = tps_id_by_code(code.strip().replace(".", ""))
        klass = classes.get(value.strip().lower().replace(" ", "_"))
        if tps_id is None or klass is None:
            errors.append(("classes", n, line.strip()))
        else:
            overrides[tps_id] = klass
    for n, line in enumerate(post.get("strengths", "").splitlines(), start=1):
        if not line.strip():
            continue
        code, _, value = line.partition("=")
        unit = units_by_code.get(code.strip())
        if unit is None or not value.strip().isdigit():
            errors.append(("strengths", n, line.strip()))
        else:
            strengths[unit.pk] = int(value)
    return overrides, strengths, errors
