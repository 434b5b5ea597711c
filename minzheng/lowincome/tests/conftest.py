from minzheng.assistance.tests.stories import world_fixture  # noqa: F401
from minzheng.assistance.tests.test_end_to_end import cast  # noqa: F401
