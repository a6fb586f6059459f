"""The bundled demo site that `brandpulse demo` crawls over local HTTP (see server.py and data.py)."""
