"""一组一会+ — grassroots governance platform."""

__version__ = "0.1.0"
