"""kamergraph: Dutch parliamentary questions and answers as linked data."""

__version__ = "0.1.0"
