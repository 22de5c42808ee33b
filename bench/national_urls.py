"""URLs of the gunicorn mode of the national benchmark (bench/national_http.py): the
portal's own, plus the bare view every page is compared with."""
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok" if request.user.is_authenticated else "anon")


urlpatterns = [path("bench/bare/", bare), path("", include("etown.urls"))]
