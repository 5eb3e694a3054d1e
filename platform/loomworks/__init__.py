"""Loomworks: a metadata-driven low-code platform for business apps."""

__version__ = "0.1.0"
