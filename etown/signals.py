"""Signals other apps listen to, so etown never imports them."""
from django.dispatch import Signal

# Sent when an objection is lodged against a running notice (公示), by the public
# window or recorded by office staff. Arguments: notice, text, by (user or None),
# submission (the PublicSubmission, or None). funds stops the disbursement request
# whose notice it is.
notice_objected = Signal()
