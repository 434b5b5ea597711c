"""django-tasks-db's worker, plus a thread that resumes (or marks interrupted) jobs abandoned by a worker that died.

Same name on purpose: `manage.py db_worker` — how the project starts its worker — recovers abandoned jobs whether
it is the first worker after a crash or one of several. (minzheng.core precedes django_tasks_db in INSTALLED_APPS,
so this command is the one Django runs.)"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from minzheng.core.jobs import Recovery


class Command(DatabaseWorkerCommand):
    help = "运行后台任务进程；并定期恢复因进程中断而停滞的任务（重新执行或标记为中断）"

    def handle(self, *args, **options):
        recovery = Recovery().start()
        try:
            return super().handle(*args, **options)
        finally:
            recovery.stop.set()
