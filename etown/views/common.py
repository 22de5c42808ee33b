"""Small helpers shared by the views of every app."""
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

PAGE_SIZE = 25
# A filter lists its choices up to this many; over a province or the country (1,500
# e-towns, thousands of users) it becomes a search by name instead: such a list is neither
# usable nor cheap (issue 16).
OPTIONS_LIMIT = 100


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of ``queryset``: one COUNT and one SELECT whatever the table's size."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def bounded_options(queryset):
    """The rows of ``queryset`` for a filter's list, or None when there are more than
    ``OPTIONS_LIMIT`` (the page offers a search box instead): one query either way."""
    rows = list(queryset[: OPTIONS_LIMIT + 1])
    return rows if len(rows) <= OPTIONS_LIMIT else None


def querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def apply_service_errors(form, error):
    """Put a service's ValidationError onto the form, beside the field it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def run_service(form, service, **kwargs):
    """Call a write service; on a ValidationError, show it on the form and return None."""
    from ..permissions import AlreadyHandled

    try:
        return service(**kwargs)
    except AlreadyHandled:  # a lost race: a message on the page it came from (middleware), not a form error
        raise
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def generated_pdf_response(content, filename, *, inline=True):
    """A PDF the portal rendered itself (a letter, a printable report, an approval form):
    shown in the browser when ``inline`` (our own template, never a user's upload, which
    ``etown.views.files`` always serves as an attachment), under a UTF-8 file name."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
