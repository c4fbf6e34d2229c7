"""Cognito user-pool operations: login flows and user administration.

Login failures are reported with one message whatever the cause (unknown user, wrong
password), so the API does not reveal which addresses have accounts.
"""

from __future__ import annotations

import logging
import secrets
import string
from typing import Any

from chalicelib import aws, errors, settings

log = logging.getLogger("vigil.auth")

_BAD_LOGIN = errors.M("auth.bad_login")


def _code(exc: Exception) -> str:
    return (getattr(exc, "response", None) or {}).get("Error", {}).get("Code", "")


def _tokens(result: dict[str, Any], refresh_token: str | None = None) -> dict[str, Any]:
    return {
        "id_token": result["IdToken"],
        "access_token": result["AccessToken"],
        "refresh_token": result.get("RefreshToken", refresh_token),
        "expires_in": int(result.get("ExpiresIn", 3600)),
        "token_type": "Bearer",
    }


def _auth_error(exc: Exception) -> errors.VigilError:
    from botocore.exceptions import ParamValidationError

    if isinstance(exc, ParamValidationError):
        return errors.Unauthorized(_BAD_LOGIN)
    code = _code(exc)
    if code in (
        "NotAuthorizedException",
        "UserNotFoundException",
        "UserNotConfirmedException",
        "PasswordResetRequiredException",
        "CodeMismatchException",
        "ExpiredCodeException",
        "InvalidParameterException",
    ):
        return errors.Unauthorized(_BAD_LOGIN)
    if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
        return errors.TooManyRequests(errors.M("auth.too_many_attempts"), retry_after=30)
    if code == "InvalidPasswordException":
        return errors.ValidationFailed({"new_password": _password_message(exc)})
    mapped = errors.from_aws_error(exc)
    return mapped or errors.ServiceUnavailable(errors.M("auth.identity_unavailable"))


def _password_message(exc: Exception) -> errors.M:
    """Cognito's reason is English prose: logged, and answered as our own policy message."""
    message = (getattr(exc, "response", None) or {}).get("Error", {}).get("Message", "")
    log.info("password refused by the user pool: %s", message)
    return errors.M("field.password_rejected")


def login(email: str, password: str) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result = aws.client("cognito-idp").initiate_auth(
            ClientId=settings.user_pool_client_id(),
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except (ClientError, BotoCoreError) as exc:
        raise _auth_error(exc) from exc
    if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        return {"challenge": "NEW_PASSWORD_REQUIRED", "session": result["Session"]}
    if "AuthenticationResult" not in result:
        raise errors.Unauthorized(
            errors.M("auth.unsupported_challenge", challenge=result.get("ChallengeName"))
        )
    return _tokens(result["AuthenticationResult"])


def new_password(email: str, session: str, password: str) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result = aws.client("cognito-idp").respond_to_auth_challenge(
            ClientId=settings.user_pool_client_id(),
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": password},
        )
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) == "ResourceNotFoundException":  # the emulator's word for a bad session
            raise errors.Unauthorized(errors.M("auth.session_expired")) from exc
        raise _auth_error(exc) from exc
    if "AuthenticationResult" not in result:
        raise errors.Unauthorized(errors.M("auth.password_not_accepted"))
    return _tokens(result["AuthenticationResult"])


def refresh(refresh_token: str) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result = aws.client("cognito-idp").initiate_auth(
            ClientId=settings.user_pool_client_id(),
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except (ClientError, BotoCoreError) as exc:
        raise _auth_error(exc) from exc
    return _tokens(result["AuthenticationResult"], refresh_token=refresh_token)


def temporary_password(length: int = 16) -> str:
    """Meets the pool policy: upper, lower, digit and symbol, from a CSPRNG."""
    alphabet = string.ascii_letters + string.digits
    symbols = "!#$%&*+-=?@"
    chars = [
        secrets.choice(string.ascii_uppercase),
        secrets.choice(string.ascii_lowercase),
        secrets.choice(string.digits),
        secrets.choice(symbols),
    ]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def create_user(email: str, password: str, permanent: bool) -> str:
    """Create a pool user and return its ``sub`` (our user id)."""
    from botocore.exceptions import BotoCoreError, ClientError

    idp = aws.client("cognito-idp")
    try:
        created = idp.admin_create_user(
            UserPoolId=settings.user_pool_id(),
            Username=email,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",  # our own invitation mail names org and role
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        )
        if permanent:
            idp.admin_set_user_password(
                UserPoolId=settings.user_pool_id(), Username=email, Password=password, Permanent=True
            )
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) == "UsernameExistsException":
            raise errors.Conflict(errors.M("auth.user_exists")) from exc
        if _code(exc) == "InvalidPasswordException":
            raise errors.ValidationFailed({"password": _password_message(exc)}) from exc
        if _code(exc) == "InvalidParameterException":
            # An address the pool refuses as a user name: bad input (400), not a failed login.
            raise errors.ValidationFailed({"email": errors.M("field.login_name_invalid")}) from exc
        raise _auth_error(exc) from exc
    attrs = {a["Name"]: a["Value"] for a in created["User"].get("Attributes", [])}
    return attrs.get("sub") or created["User"]["Username"]


def delete_user(email: str, strict: bool = False) -> None:
    """Compensation when the database write after ``create_user`` failed (best effort), or the
    purge of a user (``strict``: a failure raises so that the purge runs again; a user already
    gone is fine)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("cognito-idp").admin_delete_user(UserPoolId=settings.user_pool_id(), Username=email)
    except (ClientError, BotoCoreError) as exc:
        if strict and _code(exc) != "UserNotFoundException":
            raise
        # best effort otherwise; an orphan pool user without a Vigil user has no access


def find_user_id(email: str) -> str | None:
    """The ``sub`` of a pool user, if the pool knows the address."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        user = aws.client("cognito-idp").admin_get_user(UserPoolId=settings.user_pool_id(), Username=email)
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) == "UserNotFoundException":
            return None
        raise
    attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    return attrs.get("sub")
