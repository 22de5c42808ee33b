"""URLs of the national benchmark (in-process and under gunicorn): the portal's own, plus
the two floors every page is compared with.

- The bare view: a signed-in request that renders nothing (session, user, connection:
  the floor issue 16 names).
- The layout floor: a signed-in page in the house layout with an empty body (the bare
  view plus what every page of ours pays: the user's memberships, the unread count, the
  navigation and base.html), so that "× layout" says what a page costs beyond it."""
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

_EMPTY_PAGE = engines["django"].from_string('{% extends "base.html" %}')


def bare(request):
    return HttpResponse("ok" if request.user.is_authenticated else "anon")


def layout(request):
    return HttpResponse(_EMPTY_PAGE.render({}, request))


urlpatterns = [path("bench/bare/", bare), path("bench/layout/", layout), path("", include("etown.urls"))]
