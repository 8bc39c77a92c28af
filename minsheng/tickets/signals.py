"""Signals other apps may listen to; the tickets app never knows who listens.

`event_recorded` is sent for every event appended to a timeline (the first, `receive`, included),
inside the transaction that writes it, with `ticket` and `event`. A receiver that writes joins
that transaction: if it raises, the move is undone. Receivers filter cheaply first (a programme
looks at `ticket.category_id` or `ticket.channel` before it queries), since every move of every
ticket passes here.
"""

from django.dispatch import Signal

event_recorded = Signal()
