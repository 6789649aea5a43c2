"""assess: a production-readiness self-assessment for software that calls paid AI APIs.

Kept import-free so `assess --help` starts fast; heavy modules load only when a command needs them.
"""

__version__ = "0.1.0"
