from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..history import changes_for_etown
from ..permissions import in_scope, get_etown_for
from .common import paginate, querystring_without_page


@login_required
def etown_history(request, pk):
    etown = get_etown_for(request.user, pk)
    user_id = request.GET.get("user", "")
    government = in_scope(request.user, etown.county_id)
    changes = changes_for_etown(etown, user_id=int(user_id) if user_id.isdigit() else None, full=government,
                                viewer=request.user)
    return render(
        request,
        "etown/history.html",
        {"etown": etown, "page": paginate(request, changes, per_page=30), "querystring": querystring_without_page(request)},
    )
