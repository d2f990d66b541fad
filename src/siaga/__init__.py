"""Siaga: election security command system."""
