"""Notifications (通知): every message to a resident or a member of staff is a stored row first."""
