"""Working-day calendar and deadline policies (工作日历、办理时限)."""
