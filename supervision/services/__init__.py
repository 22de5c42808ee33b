"""Every write of supervision, one module per sub-domain: reports, inspections,
rectification (with the Excel import in rectification_import), letters and interviews,
and the daily reminder sweeps (reminders)."""
