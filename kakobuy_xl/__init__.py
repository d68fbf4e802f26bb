"""kakobuy-xl: a multilingual customer-service and dispute-resolution desk in Excel."""

__version__ = "0.1.0"
