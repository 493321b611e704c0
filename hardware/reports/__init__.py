"""Verification reports: terminal summary, JSON and a self-contained HTML page."""
