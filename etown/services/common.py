"""The one way every app saves a record that carries django-simple-history."""


def save_with_history(obj, *, by, reason="", validate=True):
    """Validate and save one record, stamping who and why on its history row. Every
    app's services use this for records that carry django-simple-history."""
    if validate:
        obj.full_clean()
    obj._history_user = by
    obj._change_reason = reason or ""
    obj.save()
    return obj
