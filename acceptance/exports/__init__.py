"""Files the acceptance app writes: the acceptance report PDF (applications) and the
project dossier ZIP with its workbooks (dossier)."""
