"""Forms of the acceptance app, one module per sub-domain: evaluations, applications."""
