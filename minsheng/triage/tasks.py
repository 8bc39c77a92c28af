"""Background entry points: the scheduled retrain. Thin: they call training."""

from django_tasks import task

from minsheng.triage import training


@task()
def retrain() -> int | None:
    """Train a new version from history and activate it; None when history is too short."""
    try:
        return training.train(note="scheduled").pk
    except training.TrainingError:
        return None
