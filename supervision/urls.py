from .urls_inspections import urlpatterns as inspection_urls
from .urls_reports import urlpatterns as report_urls

urlpatterns = [*report_urls, *inspection_urls]
