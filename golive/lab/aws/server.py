"""The lab's AWS emulator process: moto's server with golive's extensions, on loopback.

``python -m golive.lab.aws.server PORT`` serves until SIGTERM. Started only by the aws lab component
(through ``rt.spawn``); nothing outside the lab imports this.
"""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str]) -> int:
    port = int(argv[0])
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # it would put every variant into one account
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from golive.lab.aws.extensions import LabRoutes, install
    from golive.lab.aws.restricted import Restricted

    install()
    app = Restricted(LabRoutes(DomainDispatcherApplication(create_backend_app)))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # all state is in memory; nothing to flush
    print(f"golive lab AWS emulator (moto) on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
