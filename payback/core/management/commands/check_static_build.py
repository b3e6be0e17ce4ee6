"""Build the static files as a deployment would and serve a page through them.

Collects into a temporary directory with the settings in force (run it with the production
settings), then fetches the sign-in page through the configured static storage and WhiteNoise:
the page itself, every stylesheet and script it links, and every image and font those
stylesheets ask for. Any failure, such as a stylesheet naming a file that is not shipped,
stops with a non-zero exit.
"""

import re
import tempfile
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.functional import empty

PAGE_ASSETS = re.compile(r'(?:href|src)="([^"]+)"')
CSS_URLS = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class Command(BaseCommand):
    help = "Collect static files into a temporary directory and fetch a page through them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", default="", help="The page to fetch (default: the sign-in page)")

    def handle(self, *args: Any, **options: Any) -> None:
        host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
        with tempfile.TemporaryDirectory(prefix="payback-static-") as root, override_settings(STATIC_ROOT=root):
            call_command("collectstatic", interactive=False, verbosity=0)
            staticfiles_storage._wrapped = empty  # type: ignore[attr-defined]  # read the manifest just written
            client = Client(HTTP_HOST=host)
            checked = self._check(client, options["path"] or reverse("staff:sign-in"))
        self.stdout.write(f"Static build served: {checked} files through {settings.STORAGES['staticfiles']['BACKEND']}")

    def _check(self, client: Client, page: str) -> int:
        response = client.get(page, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{page} answered {response.status_code}")
        assets = [url for url in PAGE_ASSETS.findall(response.content.decode()) if _is_static(url)]
        if not any(url.endswith(".css") for url in assets):
            raise CommandError(f"{page} links no stylesheet under {settings.STATIC_URL}")
        seen: set[str] = set()
        queue = list(assets)
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            body = self._fetch(client, url)
            if url.endswith(".css"):
                targets = (urlsplit(urljoin(url, ref)) for ref in CSS_URLS.findall(body.decode()))
                queue.extend(target.path for target in targets if _is_static(target.geturl()))
        return len(seen)

    def _fetch(self, client: Client, url: str) -> bytes:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def _is_static(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and parts.path.startswith(str(settings.STATIC_URL))
