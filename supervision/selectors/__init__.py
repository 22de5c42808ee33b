"""Reads of supervision, one module per sub-domain: reports, inspections, rectification."""
