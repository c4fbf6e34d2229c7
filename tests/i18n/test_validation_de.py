"""Every validation rule of every request schema, broken on purpose, answers in German.

Bad values are generated per field (wrong types, empty, too long, out of range, unknown
fields, nested objects broken one level down) for every pydantic model of chalicelib; each
refusal is rendered as the API renders it (``ValidationFailed.problem("de")``) and must contain
no English catalog text and no pydantic phrase. pydantic's own error types are mapped to our
catalog (chalicelib.http._PYDANTIC_CODES); a type missing there would answer the generic
``invalid`` code, which this test also reports so that the table grows with the schemas."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections import Counter
from typing import Any

import pytest
from pydantic import BaseModel

import chalicelib
from chalicelib import errors, http
from tests.i18n.english import english_in_problem

pytestmark = pytest.mark.unit

BAD_SCALARS: list[Any] = [
    None,
    12345,
    -1,
    10**15,
    1.5,
    True,
    "",
    " ",
    "x",
    "x" * 5000,
    "not-valid\n",
    "ftp://example.com/",
    "http://127.0.0.1/",
    "2026-13-45T99:00:00",
    "1999-01-01T00:00:00Z",
    "2999-01-01T00:00:00Z",
    "2026-01-01T00:00:00",
    "DE123",
    "XX",
    "Mars/Olympus",
    [],
    [1, 2],
    {},
    {"bogus": 1},
]


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        if not info.name.endswith(("schemas", "validation", "schedules")):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseModel) and obj.__module__ == module.__name__ and obj.model_fields:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


MODELS = _models()


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        if arg is not annotation:
            out += _nested_models(arg)
    return out


def _bad_bodies(model: type[BaseModel], depth: int = 0) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = [{}, {"unknown_field_x": 1}]
    for name, field in model.model_fields.items():
        key = field.alias or name
        bodies += [{key: value} for value in BAD_SCALARS]
        if depth < 2:
            for nested in _nested_models(field.annotation):
                for inner in _bad_bodies(nested, depth + 1):
                    bodies += [{key: inner}, {key: [inner]}]
    return bodies


def test_every_schema_is_walked() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"OrgCreate", "OrgPatch", "SignupBody", "LoginBody", "Heartbeat", "ScheduleIn"} <= names, names


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_refusal_of_the_schema_is_german(model: type[BaseModel]) -> None:
    codes: Counter[str] = Counter()
    english: list[str] = []
    for body in _bad_bodies(model):
        try:
            http.validate(body, model)
        except errors.ValidationFailed as exc:
            problem = exc.problem("de")
            for e in problem["errors"]:
                codes[e["code"]] += 1
                assert e["message"] and "{" not in e["message"], (body, e)
            english += [f"{body!r:.120}: {hit}" for hit in english_in_problem(problem)]
    assert not english, "\n".join(sorted(set(english))[:40])
    assert codes, model


def test_model_level_rules_are_german() -> None:
    """Rules across fields (model validators) need otherwise valid bodies."""
    from chalicelib.auth.schemas import NewPasswordBody
    from chalicelib.monitoring.schemas import AvailabilityIn, WindowIn

    cases: list[tuple[type[BaseModel], dict[str, Any], str]] = [
        (AvailabilityIn, {"expected_status_min": 500, "expected_status_max": 200}, "status_range"),
        (
            WindowIn,
            {"starts_at": "2026-11-03T02:00:00Z", "ends_at": "2026-11-03T01:00:00Z"},
            "maintenance_order",
        ),
        (
            NewPasswordBody,
            {"email": "a@example.com", "session": "s" * 30, "new_password": "kurz"},
            "password_policy",
        ),
    ]
    for model, body, code in cases:
        with pytest.raises(errors.ValidationFailed) as caught:
            http.validate(body, model)
        problem = caught.value.problem("de")
        assert [e["code"] for e in problem["errors"]] == [code], problem
        assert not english_in_problem(problem), problem
    weak = caught.value.problem("de")["errors"][0]["message"]
    assert weak == (
        "Das Passwort braucht mindestens 10 Zeichen, einen Großbuchstaben, eine Ziffer, ein Sonderzeichen"
    )


def test_pydantic_messages_never_pass_through() -> None:
    """Each of pydantic's error types we meet maps to a catalog code; the mapping's English
    and German texts come from the catalog, never from pydantic's ``msg``."""
    from chalicelib.orgs.schemas import OrgCreate

    with pytest.raises(errors.ValidationFailed) as caught:
        http.validate({"name": "", "linked": "maybe", "language": "fr", "billing_email": "kein"}, OrgCreate)
    en = {e["field"]: (e["code"], e["message"]) for e in caught.value.problem("en")["errors"]}
    de = {e["field"]: (e["code"], e["message"]) for e in caught.value.problem("de")["errors"]}
    assert en == {
        "name": ("string_too_short", "must have at least 1 characters"),
        "linked": ("boolean_expected", "must be true or false"),
        "language": ("one_of", "must be one of: de, en"),
        "billing_email": ("email_invalid", "value is not a valid email address"),
    }
    assert de == {
        "name": ("string_too_short", "muss mindestens 1 Zeichen lang sein"),
        "linked": ("boolean_expected", "muss true oder false sein"),
        "language": ("one_of", "muss einer dieser Werte sein: de, en"),
        "billing_email": ("email_invalid", "ist keine gültige E-Mail-Adresse"),
    }
