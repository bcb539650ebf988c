"""Django's Tasks API: ``django.tasks`` from Django 6 on, the ``django_tasks``
backport before. Task code imports ``task`` from here and nothing else."""

try:
    from django.tasks import task, task_backends  # type: ignore[import-not-found]
except ImportError:
    from django_tasks import task, task_backends

__all__ = ["task", "task_backends"]
