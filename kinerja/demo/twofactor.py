"""Two-factor authentication in the demo: the log-ins whose role requires it (admin BKPSDM and
auditor by default) get a confirmed authenticator with one published demo key, so `make run`
still lets anyone try them: add the key to an authenticator app, or print the current code with
`DEBUG=true kinerja twofactor code NIP`. Like the demo password, the key is public: never load
demo data into a production database."""

from __future__ import annotations

from binascii import hexlify

from django_otp.plugins.otp_totp.models import TOTPDevice

from kinerja.core.models import Instansi
from kinerja.people.models import Account
from kinerja.people.twofactor import DEVICE_NAME, required_roles, secret_base32

# 20 bytes, as django-otp's own keys; base32 "NNUW 4ZLS NJQS 2ZDF NVXS 2MTG MEWW WZLZ".
DEMO_KEY = hexlify(b"kinerja-demo-2fa-key").decode()


def enrol_demo_accounts(logins: dict[str, list[str]]) -> list[str]:
    """A confirmed device with the demo key for each featured log-in of a role that requires
    2FA; the NIPs enrolled (recorded in the `demo.load` audit record)."""
    roles = required_roles()
    nips = [nip for role, role_nips in logins.items() if role in roles for nip in role_nips]
    accounts = list(Account.objects.filter(username__in=nips))
    TOTPDevice.objects.filter(user__in=accounts).delete()
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=account, name=DEVICE_NAME, key=DEMO_KEY, confirmed=True)
        for account in accounts
    )
    return sorted(account.username for account in accounts)


def demo_twofactor_note(instansi: Instansi) -> str:
    """What `kinerja demo` prints under the log-ins; empty when no demo account has 2FA."""
    nips = list(
        TOTPDevice.objects.filter(user__instansi=instansi, key=DEMO_KEY, confirmed=True)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    if not nips:
        return ""
    from kinerja.demo.load import ROLE_LABELS

    secret = secret_base32(TOTPDevice(key=DEMO_KEY))
    names = [ROLE_LABELS[r] for r in ROLE_LABELS if r in required_roles()]
    labels = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return (
        f"Two-factor authentication: the {labels} log-ins ({', '.join(nips)}) also ask for a "
        "6-digit code after the password.\n"
        f"  Add this key to an authenticator app (time-based, 6 digits): {secret}\n"
        "  or print the current code: DEBUG=true .venv/bin/kinerja twofactor code NIP"
    )
