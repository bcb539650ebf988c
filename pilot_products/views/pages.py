"""Site-wide pages that belong to no single surface."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """Show the front page; the catalogue fills it in."""
    return render(request, "pilot_products/home.html")
