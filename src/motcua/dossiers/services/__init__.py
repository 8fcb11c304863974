"""Dossier writes (nghiệp vụ hồ sơ): intake, transitions, supplements, pauses, apologies.

Every service: keyword-only arguments, a required ``actor``, one ``transaction.atomic()``, the
audit event inside it, notifications after commit, and ``at=None`` (default now) so demo data
and imports can record the past. Import the services from here
(``from motcua.dossiers import services``); the modules are cut by concern:

- ``intake``: tiếp nhận at the counter, online submission, refusal at reception, Mẫu 02;
- ``applicants``, ``codes``, ``catalog_cache``, ``steps``: what intake builds on;
- ``actions``: ``dossier_act``, the dispatcher of the transitions table, with ``handlers`` and
  ``pauses`` (one function per action, with a typed ``ActionContext``);
- ``apologies``: xin lỗi, hẹn lại; giải trình; báo cáo UBND chủ quản;
- ``perform``: ``dossier_perform``, the one entry point of the API and the staff pages for any
  action on a dossier (a transition or an apology action);
- ``notices``: the refusal / stop notice handed to the citizen through the one-stop desk;
- ``jobs``: the periodic deadline warnings and supplement closing;
- ``recompute``: legal due times after a calendar change.
"""

from motcua.dossiers.services.actions import (
    HANDLERS,
    dossier_accept,
    dossier_act,
    dossier_approve,
    dossier_assign,
    dossier_complete_supplement,
    dossier_confirm_payment,
    dossier_consult,
    dossier_consult_done,
    dossier_interagency_done,
    dossier_issue,
    dossier_receive_result,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return_for_rework,
    dossier_return_result,
    dossier_send_interagency,
    dossier_start_appraisal,
    dossier_stop,
    dossier_submit_for_approval,
    dossier_transfer,
    dossier_withdraw,
)
from motcua.dossiers.services.apologies import (
    apology_escalate,
    apology_record_explanation,
    dossier_apologise,
    escalation_target,
)
from motcua.dossiers.services.applicants import applicant_fields
from motcua.dossiers.services.catalog_cache import intake_unit, intake_version, seed_related
from motcua.dossiers.services.codes import next_code
from motcua.dossiers.services.common import ActionContext, ActionResult
from motcua.dossiers.services.intake import (
    competent_unit_for,
    counter_guidance_issue,
    dossier_receive,
    dossier_refuse_at_reception,
    dossier_submit_online,
    intake_problems,
    written_rows,
)
from motcua.dossiers.services.jobs import deadline_warnings_send, supplements_close_expired
from motcua.dossiers.services.notices import dossier_hand_over_notice
from motcua.dossiers.services.perform import dossier_perform
from motcua.dossiers.services.recompute import dossier_recompute_due

__all__ = [
    "HANDLERS",
    "ActionContext",
    "ActionResult",
    "applicant_fields",
    "apology_escalate",
    "apology_record_explanation",
    "competent_unit_for",
    "counter_guidance_issue",
    "deadline_warnings_send",
    "dossier_accept",
    "dossier_act",
    "dossier_apologise",
    "dossier_approve",
    "dossier_assign",
    "dossier_complete_supplement",
    "dossier_confirm_payment",
    "dossier_consult",
    "dossier_consult_done",
    "dossier_hand_over_notice",
    "dossier_interagency_done",
    "dossier_issue",
    "dossier_perform",
    "dossier_receive",
    "dossier_receive_result",
    "dossier_recompute_due",
    "dossier_refuse",
    "dossier_refuse_at_reception",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_return_for_rework",
    "dossier_return_result",
    "dossier_send_interagency",
    "dossier_start_appraisal",
    "dossier_stop",
    "dossier_submit_for_approval",
    "dossier_submit_online",
    "dossier_transfer",
    "dossier_withdraw",
    "escalation_target",
    "intake_problems",
    "intake_unit",
    "intake_version",
    "next_code",
    "seed_related",
    "supplements_close_expired",
    "written_rows",
]
