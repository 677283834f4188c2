from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commissions.payments.events import events_reconcile


def _day(text: str) -> datetime:
    try:
        return timezone.make_aware(datetime.combine(date.fromisoformat(text), time.min))
    except ValueError:
        raise CommandError(f"{text!r} is not a date like 2026-11-01.") from None


class Command(BaseCommand):
    help = (
        "Apply every Stripe event in a date range that the webhook never delivered "
        "(the hourly beat task does the last three days by itself)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", required=True, help="First day, e.g. 2026-11-01")
        parser.add_argument("--until", help="Day after the last (default: now)")

    def handle(self, *args, since: str, until: str | None = None, **options) -> None:
        start = _day(since)
        end = _day(until) if until else None
        if end and end <= start:
            raise CommandError("--until must be after --since.")
        if end and end > timezone.now() + timedelta(days=1):
            end = None
        result = events_reconcile(since=start, until=end)
        self.stdout.write(
            f"{result['listed']} events listed, {result['new']} new "
            f"(each new one is applied by a task)."
        )
