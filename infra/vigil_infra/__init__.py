"""The CDK app of Vigil: one stack, `vigil-prod`, derived from the Chalice app and its registries."""
