"""Listing photos: the upload rule, the re-encoding and the storage they live in."""
