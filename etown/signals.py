"""Signals other apps listen to, so etown never imports them."""
from django.dispatch import Signal

# Sent when an objection is lodged against a running notice (公示), by the public
# window or recorded by office staff. Arguments: notice, text, by (user or None),
# submission (the PublicSubmission, or None). funds stops the disbursement request
# whose notice it is.
notice_objected = Signal()

# Sent inside the transaction that ends a contract on a decision (etown.services.
# contract_terminate): a termination decided by the county government (004 附件4 §2), a
# 取消承办资格 (000 §1(三), 001 §1(四)) or a 取消培育资格 after a 不合格 evaluation
# (002 第十八条). Arguments: contract, by, basis (one of CONTRACT_END_BASES), reason,
# decided_on, document_number, source (the record that decided it). funds proposes the
# clawback of what was paid; a receiver that raises rolls the decision back.
contract_terminated = Signal()
