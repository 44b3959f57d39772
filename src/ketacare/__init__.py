"""KetaCare: an open-source platform for ketamine-assisted treatment programs."""

__version__ = "0.1.0"
