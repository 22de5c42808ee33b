"""The acceptance checklist: built from the e-town's tasks and targets (004 附件3 第六条：
培育方案等作为验收的重要依据) and the conditions without which a project is not accepted
(附件3 第八条（一）；附件2 第八条).

A row is a plain dict; the review form shows one line per row and the service stores
them as ChecklistItem. Rows are keyed ("task-12", "indicator-3", "condition-assets") so
a posted form is matched to rows rebuilt on the server, never to ids sent by the browser.
"""
from .models import ChecklistItem

CONDITIONS = [
    ("operation", "按要求完成建设内容，正常投入运营使用", "004 附件3 第八条（一）"),
    ("open_shared", "项目长期开放、共享，向社会提供市场化服务", "004 附件2 第八条"),
    ("special_account", "专项资金实行专账核算、专款专用", "004 附件2 第八条、第十五条"),
    ("asset_ledger", "建立规范详细的资产管理台账", "004 附件2 第八条"),
]


def _task_row(task):
    requirement = "完成全部建设内容"
    if task.planned_completion:
        requirement += f"（计划 {task.planned_completion:%Y-%m-%d} 完成）"
    return {
        "key": f"task-{task.pk}", "kind": ChecklistItem.Kind.TASK, "task": task, "indicator": None,
        "label": f"{task.get_category_display()}：{task.title}", "requirement": requirement,
        "figure": task.progress, "unit": "%",
        "suggested": ChecklistItem.Judgement.MET if task.progress >= 100 else "",
    }


def _indicator_row(indicator):
    suggested = ""
    if indicator.actual is not None:
        suggested = ChecklistItem.Judgement.MET if indicator.is_met() else ChecklistItem.Judgement.NOT_MET
    return {
        "key": f"indicator-{indicator.pk}", "kind": ChecklistItem.Kind.INDICATOR, "task": None, "indicator": indicator,
        "label": indicator.name,
        "requirement": f"{indicator.comparator_symbol} {indicator.target.normalize():f} {indicator.unit}"
        f"（{indicator.get_period_display()}）",
        "figure": indicator.actual, "unit": indicator.unit, "suggested": suggested,
    }


def _condition_rows():
    return [
        {
            "key": f"condition-{key}", "kind": ChecklistItem.Kind.CONDITION, "task": None, "indicator": None,
            "label": label, "requirement": basis, "figure": None, "unit": "", "suggested": "",
        }
        for key, label, basis in CONDITIONS
    ]


def row_key(item):
    if item.kind == ChecklistItem.Kind.TASK:
        return f"task-{item.task_id}"
    if item.kind == ChecklistItem.Kind.INDICATOR:
        return f"indicator-{item.indicator_id}"
    for key, label, _ in CONDITIONS:
        if label == item.label:
            return f"condition-{key}"
    return f"item-{item.pk}"


def build_rows(etown, previous_review=None):
    """The rows of a new review. A rectification review re-judges only what the last
    round found not met (its other findings stand); a first review checks everything."""
    rows = (
        [_task_row(t) for t in etown.tasks.all()]
        + [_indicator_row(i) for i in etown.indicators.all()]
        + _condition_rows()
    )
    if previous_review is not None:
        failed = {row_key(i) for i in previous_review.checklist.all() if i.judgement == ChecklistItem.Judgement.NOT_MET}
        if failed:
            rows = [r for r in rows if r["key"] in failed]
    return rows
