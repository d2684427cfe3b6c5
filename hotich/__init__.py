"""hotich: Vietnamese civil-status ledgers to a trustworthy database."""

__version__ = "0.1.0"
__all__ = ["__version__"]
