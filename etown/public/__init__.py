"""The public disclosure column (专栏), its opinion and report windows, and open data."""
