// Where the console finds the API. `make run` serves its own version of this file with the
// local API's URL; a deployment writes it next to the static files. Empty = same origin.
window.VIGIL_CONFIG = { apiUrl: "" };
