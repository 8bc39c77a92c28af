"""Understanding a request (智能分拨): category and type, place, duplicates, the unit to send it to.

Models are trained from closed tickets' final categories (`training`), read by `suggest`.
"""
