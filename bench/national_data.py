"""The national data set's big tables (issue 16): 1,000,000 ledger entries and 836,000
history rows at ``BENCH_NATIONAL_SCALE=1``, generated set-based on PostgreSQL with one
``INSERT … SELECT … generate_series`` per table (minutes, not hours), after
bench_national.build has written the e-towns, contracts, reports, items and requests.

Column names come from the models' ``_meta``, and every concrete column of the table is
given a value, so a new NOT NULL column fails loudly here instead of silently."""
import time

LEDGER_ROWS = 1_000_000
HISTORY_ROWS = 836_000


def ledger_and_history(scale, system_user_id):
    """Generate both; returns {"ledger": rows, "history": rows}."""
    started = time.perf_counter()
    ledger = ledger_entries(round(LEDGER_ROWS * scale), system_user_id)
    print(f"  ledger: {ledger:,} entries in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    history = history_rows(round(HISTORY_ROWS * scale))
    print(f"  history: {history:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return {"ledger": ledger, "history": history}


def summary():
    """Print the big tables' row counts (estimates from the planner's statistics are not
    used: exact counts, a few seconds at national scale)."""
    from funds.models import LedgerEntry

    history = sum(m.history.model.objects.count() for m in history_models())
    print(f"data: {LedgerEntry.objects.count():,} ledger entries, {history:,} history rows "
          f"(of {', '.join(m.__name__ for m in history_models())})", flush=True)


def _insert(model, values, source_sql, params=()):
    """INSERT INTO model's table (every concrete column but the pk) SELECT ``values``
    (field name -> SQL expression) FROM ``source_sql``; returns the row count."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    missing = {f.name for f in fields} - set(values)
    if missing:
        raise RuntimeError(f"{model.__name__}: no value for {sorted(missing)}")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    select = ", ".join(values[f.name] for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
                       f"SELECT {select} FROM {source_sql}", params)
        return cursor.rowcount


def ledger_entries(total, system_user_id):
    """``total`` entries spread evenly over every contract, dated across the three years
    of implementation, with the running figures (cumulative spent) a recording computes."""
    from etown.models import Contract, ETown
    from funds.models import LedgerEntry

    contracts = Contract.objects.count()
    if not contracts or total <= 0:
        return 0
    per_contract = max(1, round(total / contracts))
    q = lambda model, name: f"{model._meta.db_table}.{model._meta.get_field(name).column}"  # noqa: E731
    amount = "(100 + mod(g, 900))::numeric(14, 2)"
    values = {
        "county": q(ETown, "county"),
        "etown": q(Contract, "etown"),
        "contract": q(Contract, "id"),
        "entry_date": "DATE '2023-12-01' + (g * 1090 / %s)::int",
        "payee": "'供应商' || mod(g, 50)",
        "summary": "'设备及服务采购'",
        "amount": amount,
        "task": "NULL",
        "voucher_number": f"'PZ-' || {q(Contract, 'id')} || '-' || g",
        "invoice_number": f"'FP' || {q(Contract, 'id')} || 'N' || g",
        "invoice_file": "NULL",
        "payee_contract": "NULL",
        "reverses": "NULL",
        "reversal_reason": "''",
        "cumulative_spent": f"SUM({amount}) OVER (PARTITION BY {q(Contract, 'id')} ORDER BY g)",
        "disbursed_to_date": f"SUM({amount}) OVER (PARTITION BY {q(Contract, 'id')} ORDER BY g)",
        "over_disbursed": "FALSE",
        "invoice_reused": "FALSE",
        "recorded_by": "%s",
        "recorded_at": "TIMESTAMPTZ '2023-12-01 09:00+08' + (g * 1090 / %s) * INTERVAL '1 day'",
    }
    source = (f"{Contract._meta.db_table} JOIN {ETown._meta.db_table} ON {q(ETown, 'id')} = {q(Contract, 'etown')} "
              f"CROSS JOIN generate_series(1, %s) AS g")
    # Parameters in the order of the SELECT list (concrete field order), then the source.
    order = [f.name for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    params = []
    for name in order:
        if name in ("entry_date", "recorded_at"):
            params.append(per_contract)
        elif name == "recorded_by":
            params.append(system_user_id)
    params.append(per_contract)
    return _insert(LedgerEntry, values, source, params)


def history_models():
    """The history tables that grow with the data set: each change of a report, an item,
    a request, a contract or an e-town leaves a row (django-simple-history)."""
    from etown.models import Contract, ETown
    from funds.models import DisbursementRequest
    from supervision.models import MonthlyReport, Rectification

    return [MonthlyReport, Rectification, DisbursementRequest, Contract, ETown]


def history_rows(total):
    """``total`` history rows spread over ``history_models`` in proportion to their rows:
    each record gets k “~” rows (a change a day apart, the oldest first) copied from its
    current values, as save_with_history would have written them."""
    from django.db import connection

    models = [(m, m.objects.count()) for m in history_models()]
    records = sum(n for _, n in models)
    if not records or total <= 0:
        return 0
    written = 0
    remaining = total
    for index, (model, count) in enumerate(models):
        if not count:
            continue
        want = remaining if index == len(models) - 1 else round(total * count / records)
        per_record = want // count
        extra = want - per_record * count  # the first ``extra`` records get one more
        hist = model.history.model
        table = model._meta.db_table
        pk = f"{table}.{model._meta.pk.column}"
        values = {}
        for field in hist._meta.concrete_fields:
            if field.primary_key:
                continue
            if field.name == "history_date":
                values[field.name] = "NOW() - g * INTERVAL '1 day' - mod(" + pk + ", 1440) * INTERVAL '1 minute'"
            elif field.name == "history_change_reason":
                values[field.name] = "'批量导入基准数据'"
            elif field.name == "history_type":
                values[field.name] = "'~'"
            elif field.name == "history_user":
                values[field.name] = "NULL"
            else:
                values[field.name] = f"{table}.{connection.ops.quote_name(model._meta.get_field(field.name).column)}"
        source = (f"{table} CROSS JOIN generate_series(1, %s) AS g "
                  f"WHERE g <= %s OR {pk} IN (SELECT {model._meta.pk.column} FROM {table} ORDER BY 1 LIMIT %s)")
        top = per_record + (1 if extra else 0)
        written += _insert(hist, values, source, [top, per_record, extra])
        remaining -= want
    return written


def inspections(system_user_id):
    """Inspections for the due list and the inspections sweep (000 §6, 001 §3): for every
    e-town and planned category one every three months from 2023-12 to 2026-11, except
    that one e-town in four stopped inspecting its funds in 2026 (so the list has overdue
    rows to sort and the sweep something to send). About 70,000 rows at scale 1.
    Returns the number written."""
    from etown.models import ETown
    from supervision.models import Inspection
    from supervision.models.inspections import PLANNED_CATEGORIES

    etown = ETown._meta.db_table
    categories = ", ".join(f"('{c}')" for c in PLANNED_CATEGORIES)
    values = {
        "etown": "e.id",
        "category": "c.category",
        "inspected_on": "DATE '2023-12-10' + (g * 91)",
        "methods": "'[\"实地考察\"]'::jsonb",
        "agency": "NULL",
        "other_inspectors": "''",
        "summary": "'按计划开展检查'",
        "construction_result": "'pass'",
        "construction_remarks": "''",
        "operation_result": "'pass'",
        "operation_remarks": "''",
        "funds_result": "'not_checked'",
        "funds_remarks": "''",
        "recorded_by": "%s",
        "recorded_at": "TIMESTAMPTZ '2023-12-10 09:00+08' + g * INTERVAL '91 days'",
    }
    source = (f"{etown} e CROSS JOIN (VALUES {categories}) AS c (category) CROSS JOIN generate_series(0, 11) AS g "
              "WHERE DATE '2023-12-10' + (g * 91) <= DATE '2026-11-20' "
              "AND NOT (c.category = 'funds' AND mod(e.id, 4) = 0 AND DATE '2023-12-10' + (g * 91) >= DATE '2026-01-01')")
    return _insert(Inspection, values, source, [system_user_id])
