"""Small jobs the job tests run (a worker finds a task by its module path)."""

from sites.jobs import JobFailed, job_task


@job_task
def count_to(job, *, upto, text="hello"):
    """Report progress to ``upto``, then keep ``text`` as the result."""
    for step in range(upto + 1):
        job.report(step, upto, f"Step {step}")
    job.write_result("result.txt", text.encode(), "text/plain")


@job_task
def break_down(job, *, plainly=False):
    if plainly:
        raise JobFailed("The archive would be larger than the space left.")
    raise ValueError("Mrs Evans, 12 Acacia Road")  # a message that must not be shown
