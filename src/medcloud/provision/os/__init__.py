"""The OS baseline of a domestic server: what to configure, as pure data (R-HW-04)."""
