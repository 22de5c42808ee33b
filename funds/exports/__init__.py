"""Files the funds app writes, one module per sub-domain: ledger (the ledger and asset
workbooks, built by a task and stored) and approval_form (the approval form PDF)."""
