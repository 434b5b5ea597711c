"""Shared by the 大救助 pages: form saving and the component labels."""



from minzheng.core.errors import Conflict, DomainError, Forbidden, NotFound

from ..models import ApplicationStatus

S = ApplicationStatus
COMPONENTS = {"basic": "基本生活", "care": "照料护理", "top_up": "分类施保", "living": "生活补贴",
              "care_subsidy": "护理补贴", "one_off": "一次性救助", "allowance": "高龄津贴"}


def _save(form, write):
    """Run a service write; a domain error lands on the form field it names (or above the form). Scope and
    permission errors propagate to the 404/403 pages; a Conflict is returned for the caller to show."""
    try:
        return write(), None
    except (NotFound, Forbidden):
        raise
    except Conflict as e:
        if form is not None and e.field and any(f.label == e.field for f in form.fields.values()):
            form.attach(e)
            return None, None
        return None, e
    except DomainError as e:
        if form is None:
            return None, e
        form.attach(e)
        return None, None
