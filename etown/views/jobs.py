"""我的导出 (background jobs, issue 13): the user's exports and generated documents with
their state (排队中 / 生成中 / 已完成 / 失败), a download when done and a retry."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Job
from ..permissions import can_retry_job
from ..selectors.jobs import jobs_of
from ..services.jobs import job_retry as retry_service
from .common import paginate


@login_required
def job_list(request):
    page = paginate(request, jobs_of(request.user))
    return render(request, "etown/jobs/job_list.html", {"page": page, "jobs": page.object_list})


@login_required
@require_POST
def job_retry(request, pk):
    job = Job.objects.filter(pk=pk).first()
    if job is None or not can_retry_job(request.user, job):
        raise Http404("任务不存在")
    try:
        retry_service(job=job, by=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
    else:
        job.refresh_from_db()
        if job.state == Job.State.DONE:
            messages.success(request, "已重新生成。")
        elif job.publish_error:
            messages.warning(request, "任务队列暂不可用，已记录，系统恢复后将自动生成，无需重复操作。")
        else:
            messages.success(request, "已重新排队，生成后本页显示结果。")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("job_list")
