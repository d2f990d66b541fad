"""Field reporting from ODK Collect and KoboCollect: an OpenRosa 1.0 server, forms from XLSForm definitions kept
in forms/, per-user choice lists as CSV media, device keys, and a pull from ODK Central. Submissions become
Siaga records through the operations and custody services (the JSON API's own implementation)."""
