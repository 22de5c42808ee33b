"""Signals of supervision that other apps (funds) listen to, so supervision never imports
them."""
from django.dispatch import Signal

# Sent inside the transaction of ``rectification_send_back`` (verification failed).
# Arguments: item, reason, by. funds proposes a clawback (安泽办法 002 第九条: 整改不到位的，
# 收回预付资金).
rectification_sent_back = Signal()
