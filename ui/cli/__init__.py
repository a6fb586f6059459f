"""The ``brandpulse`` command line: the one place that wires crawler, nlp, store and ui together.

``app.py`` builds the Typer app from one module per command family (``collect``, ``report``, ``model``,
``admin``); the helpers they share are in ``common.py``.
"""
