"""Print N TCP ports that are free on 127.0.0.1 now, one per line (for .ci/run's Ray cluster).

A fixed port is not safe on a shared CI host: a Ray head of another job already on it
answers our `ray start` (seen: "InvalidAuthToken" from a token-auth cluster on 6391).
"""

import socket
import sys

sockets = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
print("\n".join(str(s.getsockname()[1]) for s in sockets))
for s in sockets:
    s.close()
