"""JWT verification by the custom authorizer: only genuine, current pool tokens pass."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import settings
from tests.support import make_org


def _moto_private_key():
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    jwk = json.loads(gzip.decompress(path.read_bytes()))
    return jwt.PyJWK.from_dict(jwk, algorithm="RS256").key


def _claims(**over):
    now = int(time.time())
    claims = {
        "iss": settings.token_issuer(),
        "sub": over.pop("sub", "user-1"),
        "aud": settings.user_pool_client_id(),
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 600,
        "email": "x@example.com",
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture
def user_token(api):
    make_org("Token GmbH", "token@example.com")
    return api.login("token@example.com")


def _me(api, token):
    return api.call("GET", "/me", headers={"Authorization": token})


def test_genuine_tokens_pass(api, user_token):
    assert _me(api, f"Bearer {user_token}").status == 200
    # an access token of the same login is accepted too
    r = api.post("/auth/login", json_body={"email": "token@example.com", "password": "Demo-Passwort-2026!"})
    assert _me(api, f"Bearer {r.json['access_token']}").status == 200


def test_token_signed_by_the_pool_key_with_our_claims_passes(api, user_token):
    # proves the forged-token cases below fail for the reason they name, not for the key
    sub = jwt.decode(user_token, options={"verify_signature": False})["sub"]
    token = jwt.encode(_claims(sub=sub), _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})
    assert _me(api, f"Bearer {token}").status == 200


def _rsa_other():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


BAD = {
    "expired": lambda: jwt.encode(
        _claims(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
        _moto_private_key(),
        algorithm="RS256",
        headers={"kid": "dummy"},
    ),
    "wrong_signature": lambda: jwt.encode(
        _claims(), _rsa_other(), algorithm="RS256", headers={"kid": "dummy"}
    ),
    "wrong_audience": lambda: jwt.encode(
        _claims(aud="someone-else"), _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"}
    ),
    "wrong_issuer": lambda: jwt.encode(
        _claims(iss="https://evil.example/pool"),
        _moto_private_key(),
        algorithm="RS256",
        headers={"kid": "dummy"},
    ),
    "alg_none": lambda: f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'dummy'})}.{_b64(_claims())}.",
    "hs256_confusion": lambda: jwt.encode(
        _claims(), "not-the-key", algorithm="HS256", headers={"kid": "dummy"}
    ),
    "unknown_kid": lambda: jwt.encode(
        _claims(), _moto_private_key(), algorithm="RS256", headers={"kid": "rotated-away"}
    ),
    "refresh_use": lambda: jwt.encode(
        _claims(token_use="refresh"), _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"}
    ),
    "access_wrong_client": lambda: jwt.encode(
        _claims(token_use="access", aud=None, client_id="x"),
        _moto_private_key(),
        algorithm="RS256",
        headers={"kid": "dummy"},
    ),
    "no_exp": lambda: jwt.encode(
        _claims(exp=None), _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"}
    ),
    "garbage": lambda: "not.a.jwt",
    "random_text": lambda: "hello",
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_tokens_get_401(api, user_token, case):
    r = _me(api, f"Bearer {BAD[case]()}")
    assert r.status == 401, (case, r)
    assert r.json["status"] == 401 and r.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_malformed_header_gets_401(api, header):
    r = _me(api, header) if header else api.get("/me")
    assert r.status == 401, (header, r)
