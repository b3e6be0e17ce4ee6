from typing import Any

import pytest

from conftest import ensure_reference_data


@pytest.fixture(autouse=True)
def reference_data(db: Any) -> None:
    """Regions, PDUs, policy and roles come from migrations; a transactional test elsewhere on the
    same worker may have flushed them. The seeder needs them."""
    ensure_reference_data()
