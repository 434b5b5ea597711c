from .stories import kids, world_fixture  # noqa: F401
