"""Long-running jobs over the stored data that the CLI starts: labeling (``label``), re-matching brands
(``rematch``) and evaluating, recording and delivering alerts (``alerts``)."""
