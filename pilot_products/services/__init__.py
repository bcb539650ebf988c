"""Writes, one module per aggregate; functions are named ``<entity>_<action>``."""
