"""Background jobs on Django's Tasks API (``django_tasks``), and the leases that
keep them honest: only the Tasks API is used, so the backend is a setting."""
