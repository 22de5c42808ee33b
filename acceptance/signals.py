"""Signals of acceptance that funds listens to (acceptance never imports funds)."""
from django.dispatch import Signal

# Sent inside the transaction of ``evaluation_record_decision`` (a 不合格 result's decision,
# 安泽办法 002 第十八条). Arguments: evaluation, contract, by. funds creates the reduction and
# clawback records linked to the evaluation; a refusal there undoes the decision.
evaluation_decided = Signal()
