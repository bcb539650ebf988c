"""Settings for the pages benchmark: production settings plus a ceiling URL.

The ceiling view exists only here, never in the deployed URLconf.
"""

import warnings

from yiwu_catalog.settings import *  # noqa: F403

# WhiteNoise looks for collected static files, which the benchmark does not need.
warnings.filterwarnings("ignore", message="No directory at")

ROOT_URLCONF = "bench.pages_urls"
# No collectstatic in the benchmark; the pages only need the static URL.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
