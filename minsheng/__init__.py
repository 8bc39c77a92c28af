"""minsheng (民生): the closed loop of residents' requests (接诉即办)."""
