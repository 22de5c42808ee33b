"""The WSGI application gunicorn serves in the national benchmark's HTTP mode: the
portal's own (etown.wsgi, production settings from the environment), with the bare view
added and “today” pinned to the data set's day (bench.bench_national.pin_today)."""
import datetime
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etown.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench.national_urls"

from bench.bench_national import pin_today  # noqa: E402
from etown.wsgi import application  # noqa: E402,F401

pin_today(datetime.date(2026, 11, 23))
