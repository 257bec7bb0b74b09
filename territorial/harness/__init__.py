"""What the tests, the benchmarks and the scripts share to run the dashboard and drive a
browser: a Streamlit server on a free local port (``server``) and Debian's Chromium settings
(``chromium``). Development tooling: no page or domain module imports it."""
