"""Registrations of inspections, rectification and letters (nav, panels, sweeps, checks)."""
