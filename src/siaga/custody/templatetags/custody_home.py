"""The receiver's notice for a home page: {% load custody_home %}{% pending_handovers %} (reads request.user)."""

from django import template

from siaga.custody.selectors import pending_handovers_for

register = template.Library()
SHOWN = 10


@register.inclusion_tag("custody/_pending_handovers.html", takes_context=True)
def pending_handovers(context):
    request = context.get("request")
    rows = pending_handovers_for(request.user) if request is not None else []
    rows = list(rows[:SHOWN + 1])
    return {"handovers": rows[:SHOWN], "more": len(rows) > SHOWN}
