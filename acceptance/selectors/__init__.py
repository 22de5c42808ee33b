"""Reads of the acceptance app, one module per sub-domain: evaluations, applications
(with the review checklist), dossier."""
