"""Residents filing a request on the phone (手机端诉求): what, where, who; following a duplicate."""
