"""Every ticket enters here (受理): the hotline agent's form, numbering, the resident record."""
