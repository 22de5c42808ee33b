"""Files supervision writes, one module per sub-domain: the monthly-report workbooks
(reports), the rectification ledger and import template (rectification), the letters' PDF
(letters)."""
