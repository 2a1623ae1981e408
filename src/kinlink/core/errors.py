"""The one kind of error a service raises when a rule refuses an action (closing a case with an
open high-risk referral, registering a revoked declaration...): its message is written for the
user, so views show it above the form instead of failing."""


class RuleRefused(Exception):
    """A service refused the action; str(error) says why, in the user's language."""
