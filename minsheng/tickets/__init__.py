"""The ticket (工单) and its tamper-evident timeline; the only place status changes."""
