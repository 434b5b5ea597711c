"""/api/docs names each request and response body by its schema's class name: two different schemas under one
name make the docs show one operation's body for another. An integrator reading the docs must see the real body."""

import json

from ninja import Schema

from minzheng.api import api


def _all_schemas(cls=Schema):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_schemas(sub)


def test_no_two_different_schemas_share_a_name():
    api.get_openapi_schema()  # imports every router, so every schema class exists
    by_name: dict[str, dict[str, type]] = {}
    for schema in _all_schemas():
        if not schema.__module__.startswith("minzheng."):
            continue
        shape = json.dumps(schema.model_json_schema(), sort_keys=True, ensure_ascii=False)
        by_name.setdefault(schema.__name__, {})[shape] = schema
    clashes = {name: sorted(f"{s.__module__}.{s.__qualname__}" for s in shapes.values())
               for name, shapes in by_name.items() if len(shapes) > 1}
    assert clashes == {}


def test_the_docs_show_each_operations_own_request_body():
    """A volunteer coordinator reading /api/docs for 申报志愿服务时长 sees the volunteer and hours fields,
    and the 指标填报 operation shows the indicator fields, not each other's."""
    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]

    def body_fields(path, method="post"):
        ref = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return set(components[ref.rsplit("/", 1)[1]]["properties"])

    timebank = next(p for p in spec["paths"] if p.endswith("/timebank/reports"))
    monitoring = next(p for p in spec["paths"] if p.endswith("/monitoring/reported"))
    assert {"volunteer_id", "hours", "service_date"} <= body_fields(timebank)
    assert {"indicator_id", "area_code", "year"} <= body_fields(monitoring)
