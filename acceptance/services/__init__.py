"""Writes of the acceptance app, one module per sub-domain: evaluations, applications
(with their reviews and the deadline sweep), dossier. Every write is a keyword-only
`<entity>_<verb>(*, ..., by)`."""
