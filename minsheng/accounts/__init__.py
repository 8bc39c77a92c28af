"""Staff accounts (登录账号)."""
