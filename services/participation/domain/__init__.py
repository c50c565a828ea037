"""Participation's pure rules: coverage, commitments, pacing. No I/O, no clock."""
