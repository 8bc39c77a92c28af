"""Return visits and residents' ratings (回访、评价); the resident tracking pages under /m/."""
