"""A small stand-in for the real app with what it does not have yet: queue consumers.

The infra tests synthesize the stack against it to prove that a new `@app.on_sqs_message` gets
its queue (with DLQ), the dependency the event source mapping needs, and consume permissions.
"""

from chalice import AuthResponse, Chalice, Rate

app = Chalice(app_name="vigil")


@app.authorizer()
def jwt_auth(auth_request):
    return AuthResponse(routes=["*"], principal_id="fixture")


@app.route("/ping", authorizer=jwt_auth)
def ping():
    return {"ok": True}


@app.schedule(Rate(1, unit=Rate.MINUTES), name="dispatch")
def dispatch(event):
    return None


@app.on_sqs_message(queue="vigil-prod-check-batches", batch_size=10, name="check_worker")
def check_worker(event):
    return None


@app.on_sqs_message(queue="vigil-prod-extra-work", name="extra_worker")
def extra_worker(event):
    return None
