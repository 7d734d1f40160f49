"""Answering a wave: single-use invitation codes (issued, hashed, normalised), the answer form and
its one submit, and the printable QR slips.

Pages import from here: ``form`` (open a code, submit), ``codes`` (issue codes), ``slips`` (slip
PDF).
"""
