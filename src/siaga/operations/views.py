from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def command(request):
    return render(request, "operations/command.html", {})
