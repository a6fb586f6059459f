"""The Streamlit dashboard: ``app.py`` (the entry script), one page per file in ``views/``, cached reads of
the store in ``queries.py``, charts and value formatting in ``charts.py``, the label-correction form in
``correction_form.py``."""
