"""Long-running jobs over the stored data that the CLI starts: labeling (``label``) and re-matching brands
(``rematch``)."""
