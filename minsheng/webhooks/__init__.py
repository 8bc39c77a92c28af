"""Outbound webhooks: other systems subscribe to ticket events and receive signed deliveries."""
