from tests.support import seed_world


def test_health(api):
    r = api.get("/health")
    assert r.status == 200 and r.json == {"status": "ok"}


def test_partner_creates_customer_and_sees_it_in_me(api):
    w = seed_world(api)
    me = api.get("/me", w.partner_token)
    assert me.status == 200, me
    roles = {o["name"]: o["role"] for o in me.json["orgs"]}
    assert roles == {"SteineundUnkraut GmbH": "admin", "Innendekoration Stein & Mehr": "partner"}
