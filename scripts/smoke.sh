#!/usr/bin/env bash
# Production-mode smoke test (issue 13): the commands docker-compose's services run
# (gunicorn, one Celery worker, exactly one beat), started natively with DEBUG=0 against
# PostgreSQL and Redis; a letter is issued and its PDF must come back through the worker.
#   scripts/smoke.sh            (PostgreSQL on 127.0.0.1:5432 as postgres; Redis 127.0.0.1:6379)
# Uses its own database etown_smoke (dropped and recreated) and Redis database 14.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
DB=etown_smoke
PORT=${SMOKE_PORT:-8765}
WORK=$(mktemp -d)
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/14}"
export MEDIA_ROOT="$WORK/uploads"
export SECRET_KEY="smoke-only-not-secret-9Qm4Lx7Vb2Tz8Rk5Wp3Hs6Nd1Jf0Gy-aEuKcXoPl"
export ALLOWED_HOSTS=127.0.0.1 SECURE_HTTPS=0 TWO_FACTOR_REQUIRED=0
export DEBUG=0
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend  # no mail server here

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '[smoke] %s\n' "$*"; }

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
$PY manage.py migrate --noinput >/dev/null
DEBUG=1 $PY manage.py seed_demo >/dev/null   # the demo county's records (its data only)
$PY manage.py collectstatic --noinput >/dev/null

log "starting gunicorn, a worker and one beat (DEBUG=0)"
$PY -m gunicorn etown.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --timeout 120 \
    --max-requests 1000 --max-requests-jitter 100 >"$WORK/web.log" 2>&1 & pids+=($!)
$PY -m celery -A etown worker -l warning -c 2 >"$WORK/worker.log" 2>&1 & pids+=($!)
$PY -m celery -A etown beat -l warning --schedule "$WORK/beat-schedule" >"$WORK/beat.log" 2>&1 & pids+=($!)

for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
    sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" || { log "gunicorn did not answer"; cat "$WORK/web.log"; exit 1; }
body=$(curl -sS "http://127.0.0.1:$PORT/no-such-page/" || true)
grep -q "页面不存在\|登录" <<<"$body" || { log "no Chinese page from gunicorn"; exit 1; }
log "gunicorn answers"

log "issuing a letter; its PDF is made by the worker"
$PY manage.py shell -c '
import time, datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from etown.models import ETown, Job
from supervision.services.letters import letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_create
office = get_user_model().objects.get(username="office")
etown = ETown.objects.get(name="临猗新城涑水e镇")
today = timezone.localdate()
item = rectification_create(etown=etown, source="inspection", problem="冒烟测试问题", measures="整改", units=["承办企业"],
                            persons=["陈涛"], deadline=today, by=office)
draft = letter_draft(etown=etown, kind=1, items=[item], by=office, today=today)
draft = letter_update(letter=draft, by=office, today=today, deadline=today + datetime.timedelta(days=10))
started = time.monotonic()
letter = letter_issue(letter=draft, by=office, today=today)
print(f"[smoke] issued {letter.number} in {time.monotonic() - started:.2f} s")
for _ in range(120):
    job = Job.objects.filter(target_id=letter.pk, kind="letter_pdf").first()
    letter.refresh_from_db()
    if letter.pdf_id and job and job.state == "done":
        print(f"[smoke] PDF ready through the worker: {letter.pdf.size} bytes, job {job.pk} done")
        break
    time.sleep(1)
else:
    raise SystemExit(f"[smoke] FAILED: no PDF after 120 s (job: {job and job.status_text})")
'
log "OK"
