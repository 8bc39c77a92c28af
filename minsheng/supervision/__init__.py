"""Supervision (督查督办): the deadline scans that chase late units, alert supervisors, send the
return visit and close what residents never rated."""
