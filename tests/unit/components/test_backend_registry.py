"""The backend registry: every registered cloud loads, an unknown cloud fails loudly (no fallback)."""

from __future__ import annotations

import pytest
from medcloud.components.backends.registry import BACKENDS, UnknownCloudError, factory


@pytest.mark.parametrize("cloud", sorted(BACKENDS))
def test_every_registered_cloud_has_a_factory(cloud: str) -> None:
    assert callable(factory(cloud))


def test_unknown_cloud_is_an_error_not_a_fallback() -> None:
    expected = r"cloud 'huaweicloud' has no backend \(registered: alicloud, openstack\)"
    with pytest.raises(UnknownCloudError, match=expected):
        factory("huaweicloud")
