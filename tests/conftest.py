import pytest

from knowledge.loader import default_knowledge


@pytest.fixture(scope="session")
def kb():
    return default_knowledge()
