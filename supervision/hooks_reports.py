"""Registrations of the monthly reports (nav, panels, sweeps)."""
