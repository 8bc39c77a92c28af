"""`minsheng worker`: the task queue and the periodic scans, in one process.

Each loop drains the django-tasks database queue, routes tickets other systems filed, runs the
deadline scan when its interval has passed, then sends due notifications. Several workers may
run at once: tasks are claimed by django-tasks-db, tickets and notifications by row claims (see
dispatch.routing, supervision.scanning and notifications.delivery), so each piece of work is
done once. SIGTERM/SIGINT stop it after the
current step; SIGKILL at any point loses nothing, since every step commits atomically.
Webhook deliveries (webhooks.deliveries), the analytics refresh and the timelines' anchors
(tickets.anchors) run in the same loop. A step
that fails is logged and the others still run; the next round tries it again.
"""

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from minsheng.analytics import refresh
from minsheng.dispatch import routing
from minsheng.lib.extensions import WorkerService, WorkerStep, declared, resolve
from minsheng.notifications import delivery
from minsheng.supervision import scanning
from minsheng.tickets import anchors
from minsheng.webhooks import deliveries

logger = logging.getLogger("minsheng.worker")
T = TypeVar("T")


class Command(BaseCommand):
    help = "Run background jobs and the deadline scans; several workers may run at once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="one round of everything, then exit"
        )
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
        parser.add_argument(
            "--scan-interval",
            type=float,
            default=None,
            help="seconds between deadline scans (default MINSHENG_SCAN_INTERVAL)",
        )
        parser.add_argument("--limit", type=int, default=200, help="tickets or messages per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        scan_every = options["scan_interval"]
        if scan_every is None:
            scan_every = float(getattr(settings, "MINSHENG_SCAN_INTERVAL", 60))
        worker_id = get_random_string(32)
        tasks = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        refresh_every = float(getattr(settings, "MINSHENG_ANALYTICS_INTERVAL", 300))
        logger.info("worker %s: scans every %ss", worker_id, scan_every)
        steps = [step for _c, step in declared("worker_steps")]
        last_run = dict.fromkeys((s.name for s in steps), float("-inf"))
        stop = threading.Event()
        threads = [] if options["batch"] else self.start_services(stop)
        if not options["batch"]:
            threads.append(self.start_analytics(stop, refresh_every))
        try:
            self.loop(options, tasks, steps, last_run, scan_every)
        finally:
            stop.set()
            for thread in threads:
                # A refresh still running is abandoned: its transaction rolls back.
                thread.join(timeout=2)

    def loop(
        self,
        options: dict[str, Any],
        tasks: Worker,
        steps: list[WorkerStep],
        last_run: dict[str, float],
        scan_every: float,
    ) -> None:
        last_scan = float("-inf")
        while self.running:
            self.failed: list[str] = []  # steps that failed this round
            close_old_connections()
            self.step("tasks", tasks.run)  # batch mode: runs what is queued now, then returns
            if self.running:
                routed = self.step("routing", routing.route_waiting, limit=options["limit"])
                if routed:
                    logger.info("routed %s tickets from other systems", routed)
            if self.running and time.monotonic() - last_scan >= scan_every:
                last_scan = time.monotonic()
                report = self.step("scan", scanning.scan, limit=options["limit"])
                if report and report.checked:
                    logger.info("scan: %s tickets, %s", report.checked, report.steps)
            if self.running:
                self.send(limit=options["limit"])
            if options["batch"] and self.running:  # otherwise in its own thread (analytics)
                self.step("analytics", refresh.refresh_all)
            if self.running:
                self.step("webhooks", self.webhooks, limit=options["limit"])
            if self.running:
                self.step("anchors", anchors.anchor_due)  # when MINSHENG_ANCHOR_HOURS passed
            for extra in steps:  # the programmes' own periodic work
                if self.running and time.monotonic() - last_run[extra.name] >= extra.every_seconds:
                    last_run[extra.name] = time.monotonic()
                    self.step(extra.name, resolve(extra.run), limit=options["limit"])
            if options["batch"]:
                if self.failed:
                    raise CommandError(f"这一轮有步骤失败：{'、'.join(self.failed)}（详见日志）")
                return
            time.sleep(options["interval"])

    def send(self, *, limit: int) -> delivery.SendReport:
        """Send what is due, batch after batch until drained, and log the round once: a backlog
        (the demo's old messages at start) is one line, not one per batch."""
        total = delivery.SendReport()
        while self.running:
            sent = self.step("sending", delivery.send_due, limit=limit)
            if sent is None:
                break
            total.sent += sent.sent
            total.failed += sent.failed
            total.retried += sent.retried
            total.expired += sent.expired
            if sent.sent + sent.failed + sent.retried + sent.expired < limit:
                break  # drained for now
        if total.sent or total.failed or total.retried:
            logger.info("sent %s, failed %s, retrying %s", total.sent, total.failed, total.retried)
        if total.expired:
            logger.info(
                "%s queued messages were older than %s hours and were not sent (expired, as "
                "after a long stop; the demo's history has such old messages)",
                total.expired,
                settings.MINSHENG_NOTICE_STALE_HOURS,
            )
        return total

    def start_analytics(self, stop: threading.Event, every: float) -> threading.Thread:
        """The dashboards' refresh in a thread of its own: however long it takes, routing,
        deadlines, notices and webhooks go on; the next one starts `every` seconds after the
        last one ended, never back to back."""

        def run() -> None:
            while not stop.is_set():
                try:
                    refresh.refresh_all()
                except Exception:
                    logger.exception("analytics refresh failed; trying again in %s s", every)
                finally:
                    close_old_connections()
                stop.wait(every)

        thread = threading.Thread(target=run, name="analytics", daemon=True)
        thread.start()
        return thread

    def start_services(self, stop: threading.Event) -> list[threading.Thread]:
        """The programmes' long-running services (an MQTT subscriber …), each in a thread."""
        threads = []
        for _config, service in declared("worker_services"):
            if service.enabled and not resolve(service.enabled)():
                continue
            thread = threading.Thread(
                target=self.service, args=(service, stop), name=service.name, daemon=True
            )
            thread.start()
            threads.append(thread)
            logger.info("service %s started", service.name)
        return threads

    def service(self, service: WorkerService, stop: threading.Event) -> None:
        """Run a service; if it fails, log it and start it again after a pause."""
        while not stop.is_set():
            try:
                resolve(service.start)(stop)
            except Exception:
                logger.exception("service %s failed; restarting in 5 s", service.name)
                stop.wait(5)
            finally:
                close_old_connections()

    def step(self, name: str, run: Callable[..., T], **kwargs: Any) -> T | None:
        """One step of a round; if it fails, it is logged and the other steps still run (the
        database down, a bug in one step): the next round tries again. `--batch` (one round)
        then ends with an error naming the failed steps."""
        try:
            return run(**kwargs)
        except Exception:
            logger.exception("worker step %s failed; trying again next round", name)
            self.failed.append(name)
            close_old_connections()
            return None

    def webhooks(self, *, limit: int) -> None:
        deliveries.enqueue_new_events()
        outcome = deliveries.deliver_due(limit=limit)
        if any(outcome.values()):
            logger.info("webhooks: %s", outcome)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.warning("%s: stopping after the current step", signal.strsignal(signum))
        self.running = False
