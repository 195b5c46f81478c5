"""Signing in: password hashes, checking a user name and password, the signed-in operator.

Passwords are stored as a self-describing scrypt string::

    scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>

so the cost can be raised later without breaking the hashes already stored. Checking one
costs about 50 ms on purpose. A failed sign-in says only "wrong user name or password": it
never tells whether the user exists (an unknown user is checked against a dummy hash, so
both take the same time).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import func, select

from command_center.domain.workflow import Role
from command_center.services.cases import Actor
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, NotFound, ServiceError
from command_center.store.engine import Store
from command_center.store.models import Person, PersonRole, Unit

log = logging.getLogger("auth")

SCHEME = "scrypt"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 8
# What a stored hash may ask for at most: a tampered row must not make a check take minutes
# or gigabytes (scrypt needs 128·n·r bytes).
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 16

WRONG_CREDENTIALS = "wrong user name or password"

# The demo city's users (seeded by `services.seed`): one per role, and the wall's viewer
# account without roles. One shared, public password; its hash is fixed so that the seed
# stays a pure function of its arguments and costs no scrypt at all.
DEMO_PASSWORD = "chaoyang2026"
DEMO_PASSWORD_HASH = (
    "scrypt$16384$8$1$DysflPIwbayp4ReQhFRtCw==$trY5LbkE+U7LEcJpAXyCAEiWOLkpWQBze0m0Yu4qrdc="
)
DEMO_USERS: tuple[tuple[str, Role | None], ...] = (
    ("intake", Role.INTAKE),
    ("chief", Role.SHIFT_CHIEF),
    ("dispatcher", Role.DISPATCHER),
    ("squadlead", Role.SQUAD),
    ("inspector", Role.INSPECTOR),
    ("supervisor", Role.SUPERVISOR),
    ("admin", Role.ADMIN),
    ("wall", None),  # the video wall: sees everything, may do nothing
)


class SignInError(ServiceError):
    """Signing in failed; the message is for the user and tells nothing about who exists.

    `reason` is "credentials" (unknown user, wrong or no password: one and the same) or
    "disabled" (the right password for an inactive person), for the UI to translate.
    """

    def __init__(self, message: str = WRONG_CREDENTIALS, *, reason: str = "credentials") -> None:
        super().__init__(message)
        self.reason = reason


def hash_password(password: str) -> str:
    """A new scrypt hash of `password` with a random 16-byte salt."""
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return "$".join(
        (SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest))
    )


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches the `stored` hash; a missing or malformed hash is False."""
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = (stored or "").split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(hash_text, validate=True)
    except (ValueError, binascii.Error):
        return False
    if scheme != SCHEME or not expected or not salt:
        return False
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        return False
    try:
        digest = _scrypt(password, salt, n, r, p, len(expected))
    except (ValueError, MemoryError):  # parameters OpenSSL refuses
        return False
    return hmac.compare_digest(digest, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=130 * n * r * p + 1024 * 1024,
        dklen=dklen,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@cache
def _dummy_hash() -> str:
    """A hash no password is checked against in earnest: unknown users cost the same time."""
    return hash_password(os.urandom(16).hex())


@dataclass(frozen=True)
class Operator:
    """Who is signed in at this workstation, with the roles they hold.

    An operator without roles is the read-only viewer (the video wall's account).
    """

    person_id: int
    name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    workstation: str = ""
    username: str = ""
    unit: str | None = None

    @property
    def read_only(self) -> bool:
        return not self.roles

    def actor(self, role: Role) -> Actor:
        """The `Actor` to pass to a use case, acting in `role`, which the operator must hold."""
        if role not in self.roles:
            held = ", ".join(sorted(r.value for r in self.roles)) or "none"
            raise ValueError(
                f"{self.name} does not hold the role {Role(role).value!r} (holds: {held})"
            )
        return Actor(self.person_id, Role(role))


class AuthService:
    """Signing in against the people of one store, and setting their passwords."""

    def __init__(self, store: Store, *, workstation: str | None = None) -> None:
        self.store = store
        self.workstation = workstation or default_workstation()

    def sign_in(self, username: str, password: str) -> Operator:
        """The operator for this user name and password, or `SignInError`.

        Unknown user, wrong password, no password set: all the same message. An inactive
        person with the right password is told the account is disabled.
        """
        name = username.strip().lower()
        with self.store.read() as s:
            person = (
                s.execute(select(Person).where(func.lower(Person.username) == name))
                .scalars()
                .first()
                if name
                else None
            )
            stored = person.password_hash if person is not None else None
            if not verify_password(password, stored or _dummy_hash()) or person is None:
                log.info("sign-in refused for user name %r", name)
                raise SignInError(WRONG_CREDENTIALS)
            if not person.active:
                log.info("sign-in refused for %r: inactive", name)
                raise SignInError(
                    "this account is disabled; ask an administrator", reason="disabled"
                )
            roles = frozenset(
                Role(r)
                for r in s.scalars(
                    select(PersonRole.role).where(PersonRole.person_id == person.id)
                )
            )
            unit = s.get(Unit, person.unit_id).name if person.unit_id is not None else None
            operator = Operator(
                person_id=person.id,
                name=person.name,
                roles=roles,
                workstation=self.workstation,
                username=person.username or name,
                unit=unit,
            )
        log.info(
            "%s signed in at %s as %s",
            operator.username,
            operator.workstation,
            ", ".join(sorted(roles)) or "viewer",
        )
        return operator

    def set_password(self, person_id: int, password: str) -> Changes:
        """Store a new hash of `password` for this person."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ServiceError(
                f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
            )
        stored = hash_password(password)  # ~50 ms: outside the transaction
        with self.store.transaction() as s:
            person = s.get(Person, person_id)
            if person is None:
                raise NotFound(f"no person with id {person_id}")
            person.password_hash = stored
        return Changes.of(people=person_id)
