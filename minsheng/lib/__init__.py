"""Small pure-Python helpers shared across apps."""
