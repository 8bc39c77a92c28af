"""The dispatch catalogue (派单目录): categories of requests and request types."""
