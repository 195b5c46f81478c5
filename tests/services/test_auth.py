"""Signing in: scrypt hashes, one message for every wrong guess, the demo users of the seed."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from sqlalchemy import select

from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role
from command_center.services.auth import (
    DEMO_PASSWORD,
    DEMO_PASSWORD_HASH,
    DEMO_USERS,
    WRONG_CREDENTIALS,
    AuthService,
    Operator,
    SignInError,
    hash_password,
    verify_password,
)
from command_center.services.cases import Actor
from command_center.services.changes import NotFound, ServiceError
from command_center.services.seed import seed_demo_city
from command_center.store.models import Person, PersonRole, Unit


# ---------------------------------------------------------------- hashes
def test_hash_is_self_describing_and_verifies() -> None:
    stored = hash_password("correct horse")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert verify_password("correct horse", stored)
    assert not verify_password("correct hors", stored)
    assert not verify_password("", stored)


def test_salts_differ_so_hashes_differ() -> None:
    a, b = hash_password("same"), hash_password("same")
    assert a != b
    assert a.split("$")[4] != b.split("$")[4]
    assert verify_password("same", a) and verify_password("same", b)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "plain-text-password",
        "scrypt$16384$8$1$onlyfive",
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$x$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$",
        "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # n not a power of two
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # would take gigabytes
        "scrypt$16384$0$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
        "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA$extra",
    ],
)
def test_a_malformed_hash_is_false_never_an_exception(stored: str | None) -> None:
    assert verify_password("anything", stored) is False


def test_the_demo_hash_is_the_demo_password() -> None:
    assert verify_password(DEMO_PASSWORD, DEMO_PASSWORD_HASH)
    assert DEMO_PASSWORD == "chaoyang2026"


# ---------------------------------------------------------------- operator
def test_operator_gives_the_actor_of_a_role_it_holds_only() -> None:
    op = Operator(7, "王伟", frozenset({Role.DISPATCHER}), "desk-3")
    assert op.actor(Role.DISPATCHER) == Actor(7, Role.DISPATCHER)
    with pytest.raises(ValueError, match="does not hold the role 'shift_chief'"):
        op.actor(Role.SHIFT_CHIEF)
    viewer = Operator(8, "大屏幕", frozenset(), "wall")
    assert viewer.read_only and not op.read_only
    with pytest.raises(ValueError, match="holds: none"):
        viewer.actor(Role.INSPECTOR)


# ---------------------------------------------------------------- signing in
def _person(store, username: str, password: str | None, roles=(), *, active=True) -> int:
    with store.transaction() as s:
        unit = Unit(code=f"U-{username}", name="智慧城管指挥中心", kind="bureau",
                    unit_type="enforcement")
        s.add(unit)
        s.flush()
        p = Person(
            code=f"P-{username}",
            name="张伟",
            unit_id=unit.id,
            active=active,
            username=username,
            password_hash=hash_password(password) if password is not None else None,
        )
        s.add(p)
        s.flush()
        s.add_all(PersonRole(person_id=p.id, role=r.value) for r in roles)
        return p.id


def test_sign_in_returns_the_operator_with_roles_and_unit(store) -> None:
    pid = _person(store, "chief", "s3cret-pass", [Role.SHIFT_CHIEF, Role.DISPATCHER])
    op = AuthService(store, workstation="desk-1").sign_in("  Chief ", "s3cret-pass")
    assert op == Operator(
        pid,
        "张伟",
        frozenset({Role.SHIFT_CHIEF, Role.DISPATCHER}),
        "desk-1",
        username="chief",
        unit="智慧城管指挥中心",
    )
    assert op.actor(Role.DISPATCHER) == Actor(pid, Role.DISPATCHER)


def test_wrong_password_unknown_user_and_no_password_say_the_same(store) -> None:
    _person(store, "chief", "s3cret-pass", [Role.SHIFT_CHIEF])
    _person(store, "nopass", None, [Role.INTAKE])
    auth = AuthService(store)
    messages = []
    for user, password in [
        ("chief", "wrong-pass"),
        ("nobody", "s3cret-pass"),
        ("nopass", ""),
        ("nopass", "anything"),
        ("", "s3cret-pass"),
    ]:
        with pytest.raises(SignInError) as info:
            auth.sign_in(user, password)
        assert info.value.reason == "credentials"
        messages.append(str(info.value))
    assert set(messages) == {WRONG_CREDENTIALS}


def test_an_inactive_person_is_refused(store) -> None:
    _person(store, "gone", "s3cret-pass", [Role.INTAKE], active=False)
    auth = AuthService(store)
    with pytest.raises(SignInError, match="disabled") as info:
        auth.sign_in("gone", "s3cret-pass")
    assert info.value.reason == "disabled"
    # a wrong password tells nothing, not even that the account is disabled
    with pytest.raises(SignInError, match=WRONG_CREDENTIALS):
        auth.sign_in("gone", "wrong-pass")


def test_set_password(store) -> None:
    pid = _person(store, "intake", None, [Role.INTAKE])
    auth = AuthService(store)
    changes = auth.set_password(pid, "new-password")
    assert changes.ids("people") == {pid}
    assert auth.sign_in("intake", "new-password").roles == {Role.INTAKE}
    with pytest.raises(ServiceError, match="at least 8 characters"):
        auth.set_password(pid, "short")
    with pytest.raises(NotFound):
        auth.set_password(pid + 999, "new-password")


# ---------------------------------------------------------------- the seeded demo users
def test_the_demo_city_has_one_user_per_role_and_the_wall(store) -> None:
    seed_demo_city(
        store,
        catalogue=Catalogue.default(),
        calendar=WorkCalendar.default(),
        now=datetime(2026, 11, 27, 10, 30, tzinfo=CST),
        cases=300,
    )
    auth = AuthService(store)
    seen: set[int] = set()
    for username, role in DEMO_USERS:
        op = auth.sign_in(username, DEMO_PASSWORD)
        assert op.username == username and op.unit
        assert op.roles == (frozenset({role}) if role else frozenset()), username
        seen.add(op.person_id)
    assert len(seen) == len(DEMO_USERS)  # eight different people
    wall = auth.sign_in("wall", DEMO_PASSWORD)
    assert wall.read_only
    squad = auth.sign_in("squadlead", DEMO_PASSWORD)
    with store.read() as s:
        assert s.get(Person, squad.person_id).squad_id is not None
        users = s.scalars(select(Person.username).where(Person.username.is_not(None))).all()
    assert sorted(users) == sorted(u for u, _ in DEMO_USERS)
    with pytest.raises(SignInError, match=WRONG_CREDENTIALS):
        auth.sign_in("dispatcher", "chaoyang2025")
