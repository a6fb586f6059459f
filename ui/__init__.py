"""What people use: the ``brandpulse`` CLI (``ui.cli``), the jobs it starts (``ui.jobs``), the Streamlit
dashboard (``ui.dashboard``) and the configuration file (``ui.config``)."""
