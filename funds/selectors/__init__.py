"""Reads of the funds app, one module per sub-domain: policy (the county's settings and
finance department), positions (what a contract has been paid and may still be paid;
an e-town's figures), ledger (the ledger list and its flags), requests and changes (the
approval queues and lists), gates (the conditions a disbursement must meet).

Every list is scoped to what the user may see and runs a fixed number of queries.
"""
