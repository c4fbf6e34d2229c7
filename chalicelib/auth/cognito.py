"""Cognito user-pool operations: login flows and user administration.

Passwords are evaluated server-side only, with the admin API (``ADMIN_USER_PASSWORD_AUTH``) from
the Lambda's role: the public app client allows no password flow, so nobody can call Cognito's
``InitiateAuth`` directly and go around the login throttle (infra/vigil_infra/stack.py).

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
        result = aws.client("cognito-idp").admin_initiate_auth(
            UserPoolId=settings.user_pool_id(),
            ClientId=settings.user_pool_client_id(),
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
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
        result = aws.client("cognito-idp").admin_respond_to_auth_challenge(
            UserPoolId=settings.user_pool_id(),
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
        # Refresh needs no password: the public flow every client has (no throttle to go around).
        result = aws.client("cognito-idp").initiate_auth(
            ClientId=settings.user_pool_client_id(),
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except (ClientError, BotoCoreError) as exc:
        raise _auth_error(exc) from exc
    return _tokens(result["AuthenticationResult"], refresh_token=refresh_token)


def verified_user_id(email: str) -> str | None:
    """The ``sub`` of a pool user whose address is verified and who may log in; None otherwise
    (unknown, unverified or disabled: a reset code would prove nothing about them)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        user = aws.client("cognito-idp").admin_get_user(UserPoolId=settings.user_pool_id(), Username=email)
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) in ("UserNotFoundException", "InvalidParameterException"):
            return None
        raise errors.ServiceUnavailable(errors.M("auth.identity_unavailable")) from exc
    attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    if not user.get("Enabled", True) or attrs.get("email_verified") != "true":
        return None
    if user.get("UserStatus") not in ("CONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED"):
        return None
    return attrs.get("sub")


def set_password(email: str, password: str) -> None:
    """Set a permanent password (after a proven reset code)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("cognito-idp").admin_set_user_password(
            UserPoolId=settings.user_pool_id(), Username=email, Password=password, Permanent=True
        )
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) == "InvalidPasswordException":
            raise errors.ValidationFailed({"new_password": _password_message(exc)}) from exc
        raise _auth_error(exc) from exc


def global_sign_out(email: str) -> None:
    """Revoke every refresh token of the user (their sessions cannot be renewed any more)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("cognito-idp").admin_user_global_sign_out(
            UserPoolId=settings.user_pool_id(), Username=email
        )
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) != "UserNotFoundException":
            raise errors.ServiceUnavailable(errors.M("auth.identity_unavailable")) from exc


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


# --- self-service signup (chalicelib.orgs.signup) --------------------------------------------


def create_pending_user(email: str, password: str) -> str:
    """A pool user for a signup whose address is not confirmed yet; its ``sub``.

    The pool refuses self sign-up, so the user is created by the admin API with the chosen
    password made permanent, ``email_verified`` false, and *disabled*: a login is refused with
    ``NotAuthorizedException`` — the same answer as a wrong password — until the mailed code
    is confirmed (``activate_user``).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    idp = aws.client("cognito-idp")
    pool = settings.user_pool_id()
    try:
        created = idp.admin_create_user(
            UserPoolId=pool,
            Username=email,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",  # our own mail carries the code, in the org's language
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "false"}],
        )
        idp.admin_disable_user(UserPoolId=pool, Username=email)
        idp.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
    except (ClientError, BotoCoreError) as exc:
        if _code(exc) == "UsernameExistsException":
            raise errors.Conflict(errors.M("auth.user_exists")) from exc
        if _code(exc) == "InvalidPasswordException":
            delete_user(email)
            raise errors.ValidationFailed({"password": _password_message(exc)}) from exc
        if _code(exc) == "InvalidParameterException":
            delete_user(email)
            raise errors.ValidationFailed({"email": errors.M("field.login_name_invalid")}) from exc
        delete_user(email)
        raise _auth_error(exc) from exc
    attrs = {a["Name"]: a["Value"] for a in created["User"].get("Attributes", [])}
    return attrs.get("sub") or created["User"]["Username"]


def activate_user(email: str) -> None:
    """The signup's code was confirmed: the address is verified and the user may log in."""
    idp = aws.client("cognito-idp")
    pool = settings.user_pool_id()
    idp.admin_update_user_attributes(
        UserPoolId=pool, Username=email, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    idp.admin_enable_user(UserPoolId=pool, Username=email)


def deactivate_user(email: str) -> None:
    """Undo ``activate_user`` when the database write after it failed (best effort)."""
    from contextlib import suppress

    from botocore.exceptions import BotoCoreError, ClientError

    # the signup stays pending in the database: a confirmation again or the purge decides
    with suppress(ClientError, BotoCoreError):
        aws.client("cognito-idp").admin_disable_user(UserPoolId=settings.user_pool_id(), Username=email)
