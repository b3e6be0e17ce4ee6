"""The production build: static files collect with the production settings and pages are served through them."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def test_production_static_build_collects_and_serves_a_page_with_every_asset_it_asks_for() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "payback.config.settings.production",
        "SECRET_KEY": "static-build-check-only-" + "x" * 40,
        "ALLOWED_HOSTS": "payback.example.gov.uk",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(MANAGE), "check_static_build"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "CompressedManifestStaticFilesStorage" in result.stdout
    # the page, its stylesheets and scripts, and the images and fonts the stylesheets name
    served = int(result.stdout.split("served: ")[1].split()[0])
    assert served >= 10
