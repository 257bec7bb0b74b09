"""What the tests, the benchmarks and the scripts share to run the dashboard and drive a
browser: a Streamlit server on a free local port (``server``) and Debian's Chromium settings
(``chromium``); and the hostile programme files they feed the import (``hostile_files``).
Development tooling: no page or domain module imports it."""
