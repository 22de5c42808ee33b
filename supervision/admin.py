from . import admin_inspections, admin_reports  # noqa: F401
