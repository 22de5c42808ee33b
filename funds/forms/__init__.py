"""Forms of the funds pages, one module per sub-domain: requests (disbursement and its
steps), changes (change and extension requests), ledger (ledger entries, assets,
clawbacks), policy (the county's funds settings); common holds the base form and the
note and reason forms every approval chain uses."""
