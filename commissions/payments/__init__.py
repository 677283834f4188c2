"""Payments: Stripe Checkout for the deposit and the balance, verified webhooks applied
exactly once, refunds, and the local test-payment page."""
