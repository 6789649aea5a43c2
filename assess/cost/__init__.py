"""What a leaked key or an unlimited endpoint could spend: prices x rate limits x caps."""

from assess.cost.exposure import estimate, estimate_exposure

__all__ = ["estimate", "estimate_exposure"]
