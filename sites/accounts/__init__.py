"""Signing in and the account around it: who is asking (client address), throttling,
two-factor sign-in, sessions and passwords.

One module per concern (see docs/security.md for the controls and their tests):

- ``client_ip``   the one client-address helper (audit trail and sign-in throttling)
- ``throttling``  django-axes glue: the lock-out page, lock-out audit, unlocking
- ``sessions``    absolute lifetime, cheap idle refresh, "where you are signed in"
- ``two_factor``  who must use two-factor sign-in, enrolment, verification, reset
- ``forms``, ``views``, ``urls``  the account pages under /accounts/
"""
