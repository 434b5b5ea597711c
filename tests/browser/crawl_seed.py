"""A small 江海区 demo for the page crawl: the reference tree, the policy data, a few dozen residents in one
village per town, the demo accounts whose areas exist, and the domain demos that write through the services.
The full setup_demo (five jurisdictions) takes minutes; this takes seconds."""

import time

from minzheng.accounts.models import User
from minzheng.areas.models import Area
from minzheng.areas.services import load_reference_areas
from minzheng.demo import population as demo
from minzheng.policy.services import load_policy_data

JIANGHAI = "440704"


def _accounts() -> None:
    from minzheng.accounts.services import user_create
    from minzheng.demo.management.commands.setup_demo import ACCOUNTS, DEMO_PASSWORD

    for username, name, role, codes in ACCOUNTS:
        areas = list(Area.objects.current().filter(code__in=codes))
        if len(areas) != len(codes) or User.objects.filter(username=username).exists():
            continue
        user_create(actor=None, username=username, password=DEMO_PASSWORD, display_name=name, role=role,
                    areas=areas)


def seed_small_demo() -> dict[str, float]:
    from minzheng.demo.assistance import seed_assistance_demo
    from minzheng.demo.carefacility import seed_facility_demo
    from minzheng.demo.charity import seed_charity_demo
    from minzheng.demo.children import seed_children_demo
    from minzheng.demo.eldercare import seed_eldercare_demo
    from minzheng.demo.governance import seed_governance_demo
    from minzheng.demo.homecare import seed_homecare_demo
    from minzheng.demo.social_affairs import seed_social_affairs_demo

    took: dict[str, float] = {}

    def step(name, fn):
        t0 = time.monotonic()
        fn()
        took[name] = round(time.monotonic() - t0, 2)

    step("areas", load_reference_areas)
    step("policy", load_policy_data)
    step("population", lambda: demo.write_db(demo.plan_from_db(area_code=JIANGHAI, persons=60, seed=2026,
                                                                villages_per_town=1)))
    step("accounts", _accounts)
    step("assistance", lambda: seed_assistance_demo(jurisdictions=[JIANGHAI]))
    step("eldercare", lambda: seed_eldercare_demo(jurisdictions=[JIANGHAI]))
    step("facility", seed_facility_demo)
    step("children", seed_children_demo)
    # seed_monitoring_demo (17 s here) is left out: the monitoring pages render from the catalogue alone.
    step("homecare", seed_homecare_demo)
    step("governance", seed_governance_demo)
    step("social", seed_social_affairs_demo)
    step("charity", lambda: seed_charity_demo(jurisdictions=[JIANGHAI]))
    return took
