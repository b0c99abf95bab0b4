"""Every write of the closed loop (六单工作法, DOMAIN §4), by section:

- `filing`: 填单 and photos;  - `loop`: one function per declared step (lifecycle.py);
- `escalation`: the one escalation plan;  - `sweep`: the overdue sweep;  - `categories`: the taxonomy.

Pages, the API, Open311, the sweep, the demo generator and other apps import from here.
Every function takes `now=` so the demo generator and tests can write history in the past.
"""

from yizuyihui.cases.services import loop  # noqa: F401,E402  (tests reach `_step` through it)
from yizuyihui.cases.services._base import CaseConflict, CaseError, CaseForbidden  # noqa: F401
from yizuyihui.cases.services.categories import case_recategorize, categories_load  # noqa: F401
from yizuyihui.cases.services.filing import (  # noqa: F401
    attachment_add,
    case_apply_suggestion,
    case_file,
    case_suggest_pending,
)
from yizuyihui.cases.services.loop import (  # noqa: F401
    case_claim,
    case_close,
    case_decide_extension,
    case_deliberate,
    case_dispatch,
    case_escalate,
    case_feed_back,
    case_merge,
    case_progress,
    case_rate,
    case_receive,
    case_request_extension,
    case_resolve,
    case_resolve_on_spot,
    case_resume,
    case_return,
    case_send_back,
    case_suspend,
    case_take_step,
)
from yizuyihui.cases.services.sweep import sweep_overdue  # noqa: F401
