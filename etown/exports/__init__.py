"""Files etown publishes: ``opendata``, the public column as JSON and CSV."""
