"""An outsider's HTTP requests to a Streamlit server, with nothing a visitor would not have:
the XSRF cookie of ``/_stcore/health`` and the upload route as the frontend uses it. Used by the
hostile-visitor tests (tests/browser/test_hostile_visitors.py) and ``bench/attacks.py``, which
each speak the websocket protocol themselves (the harness does not import Streamlit).
"""

from __future__ import annotations

import urllib.error
import urllib.request


def xsrf_cookie(base_url: str) -> str:
    """The XSRF cookie anyone gets from ``/_stcore/health``."""
    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("_streamlit_xsrf="):
                return header.split(";")[0].split("=", 1)[1]
    raise RuntimeError("pas de cookie XSRF dans la réponse de /_stcore/health")


def put_file(base_url: str, session: str, xsrf: str, name: str, body: bytes) -> int:
    """``PUT /_stcore/upload_file/<session>/<name>`` as the frontend sends it: the HTTP status."""
    boundary = "----visiteur"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base_url}/_stcore/upload_file/{session}/{name}",
        data=payload,
        method="PUT",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": xsrf,
            "Cookie": f"_streamlit_xsrf={xsrf}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
