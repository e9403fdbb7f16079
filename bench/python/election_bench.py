"""kazoo's Election recipe under the workloads of bench/ClusterDashboard.Bench's election benchmark.

Prints one line of JSON, the same shape as bench/java/ElectionBench.java's, and takes the same arguments:
  election_bench.py connectString mode(graceful|crash|herd) participants rounds sessionTimeoutMs serverTickMs
Run it with Debian's /usr/bin/python3 and python3-kazoo (2.8); a python3 elsewhere on PATH may not have kazoo.

One process, one KazooClient per participant (as the Java driver has one CuratorFramework per participant, and ours
one ZooKeeperClient). kazoo's recipe is blocking: Election(path, id).run(func) waits in its own thread until this
candidate holds the Lock recipe's lowest znode, then calls func, and leadership lasts exactly as long as func runs.
So, where the recipe decides the timing points:
- "the successor is told it leads" is the moment its func is entered (Curator: LeaderLatchListener.isLeader);
- graceful, "the leader gives up" is its func being let go: the clock starts when the main thread sets the event
  the leader's func waits on; the func returns and the recipe deletes its znode (Curator: LeaderLatch.close()).
  Election.cancel() is no way to resign: by kazoo's docs it does not interrupt a running leader function;
- crash: the leader's client stops without closing its session. kazoo has no public way to do that, so its
  connections go through a switch (CrashSwitch below, the same idea as the C# side's): the clock starts when the
  switch shuts the leader's socket down and refuses every reconnection, so no closeSession request is ever sent
  and the server expires the session from the leader's last ping (Curator: injectSessionExpiration).
"""
import json
import logging
import os
import socket
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException
from kazoo.protocol.states import KazooState

# kazoo warns on every dropped connection, which the crash workload makes on purpose; errors still show.
logging.getLogger("kazoo").setLevel(logging.ERROR)


class CrashSwitch:
    """A participant's process dying, for one KazooClient: its socket goes down and it never connects again.

    It wraps the client's own handler.create_connection, so until the crash the client talks plain TCP to the
    server with nothing between them and knows nothing of the switch.
    """

    def __init__(self, handler):
        self._connect = handler.create_connection
        self._sockets = []
        self.crashed = False
        handler.create_connection = self._dial

    def _dial(self, *args, **kwargs):
        if self.crashed:
            raise ConnectionRefusedError("crashed")
        sock = self._connect(*args, **kwargs)
        self._sockets.append(sock)
        return sock

    def crash(self):
        self.crashed = True
        for sock in self._sockets:
            try:
                # From this thread only shutdown, never close: the client's own thread is in select() on it, finds
                # it ended and closes it itself, then meets the refusal on every reconnection.
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Candidacy:
    """One run of the recipe: a thread in Election.run until this candidate has led and been let go."""

    def __init__(self, participant, path, told):
        self.election = participant.client.Election(path, participant.name)
        self.resign = threading.Event()
        self.leading = False

        def lead():
            participant.became_leader = time.monotonic_ns()  # the successor is told: its leader function runs
            self.leading = True
            told.set()
            self.resign.wait()
            self.leading = False  # before the recipe deletes the znode, so never two leaders once a successor leads

        def run():
            try:
                self.election.run(lead)
            except KazooException:
                pass  # a crashed or stopped client cannot delete its znode; the server drops it with the session

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def node(self):
        return self.election.lock.node

    def settled(self, client):
        """Leading, or queued behind a watched predecessor.

        Only to know the candidate is at rest before a round starts, as ours waits for Leader or Follower; it reads
        the client's table of data watches (kazoo internals, never on a timed path), where the Lock recipe's
        predecessor watch is registered once the server has answered the get that set it.
        """
        if self.leading:
            return True
        if self.node() is None:
            return False
        watch = self.election.lock._watch_predecessor
        try:
            return any(watch in watchers for watchers in list(client._data_watchers.values()))
        except RuntimeError:  # the connection thread changed the table as we read it
            return False


class Participant:
    # Names of participants whose connection dropped though they did not crash: a round with one is not the
    # workload it says, so the run warns of them.
    dropped = []

    def __init__(self, connect, session_timeout_ms, name):
        self.name = name
        self.client = KazooClient(hosts=connect, timeout=session_timeout_ms / 1000.0)
        self.crash = CrashSwitch(self.client.handler)
        self.client.start(timeout=30)
        self.leaving = False
        self.client.add_listener(self._state_changed)
        self.became_leader = 0
        self.candidacy = None

    def _state_changed(self, state):
        if state != KazooState.CONNECTED and not self.crash.crashed and not self.leaving:
            Participant.dropped.append(self.name)

    def join(self, path, told):
        self.candidacy = Candidacy(self, path, told)

    def leading(self):
        return self.candidacy is not None and self.candidacy.leading

    def leave(self):
        """Ends this participant, crashed or not: stopped first, so no request waits on a connection that never comes."""
        self.leaving = True
        if self.candidacy is not None:
            self.candidacy.election.cancel()
        self.client.stop()
        if self.candidacy is not None:
            self.candidacy.resign.set()
            self.candidacy.thread.join(10)
        self.client.close()


def main(argv):
    connect, mode = argv[1], argv[2]
    n, rounds, session_timeout_ms, tick_ms = (int(a) for a in argv[3:7])
    tick_ns = tick_ms * 1_000_000
    path = "/bench-kazoo-%d" % time.monotonic_ns()
    told = threading.Event()
    everyone = []
    for i in range(n):
        p = Participant(connect, session_timeout_ms, "p%d" % i)
        p.join(path, told)
        everyone.append(p)
    wait_for_one_leader(everyone)

    # Unmeasured rounds first, as many as on the other sides (80 graceful), whose JITs need them.
    warmup = {"graceful": 80, "crash": 2}.get(mode, 0)
    latencies = [0] * rounds
    from_deletion = [0] * rounds
    notifications = 0
    anchor = time.monotonic_ns()  # crashes: the server tick that expired the previous leader
    for rnd in range(rounds + warmup):
        r = max(0, rnd - warmup)
        leader = next(p for p in everyone if p.leading())
        for p in everyone:
            p.became_leader = 0
        told.clear()
        before = watch_triggers(connect) if mode == "herd" else 0
        deleted = []
        observer = None
        if mode == "crash":
            observer = KazooClient(hosts=connect, timeout=10.0)
            observer.start(timeout=10)
            # kazoo calls watches with the event on its callback thread, as the Java client's event thread does.
            observer.exists(path + "/" + leader.candidacy.node(), watch=lambda _e: deleted.append(time.monotonic_ns()))
            remaining_ns = anchor + crash_offset_ns(rnd - warmup, rounds, session_timeout_ms) - time.monotonic_ns()
            if remaining_ns > 0:
                time.sleep(remaining_ns / 1e9)
            elif rnd >= warmup:
                print("warning: crash round %d is %d ms late; the offsets no longer match ours"
                      % (rnd - warmup, -remaining_ns // 1_000_000), file=sys.stderr)
        start = time.monotonic_ns()
        if mode == "crash":
            leader.crash.crash()
        else:
            leader.candidacy.resign.set()
        successor = wait_for_new_leader(everyone, leader, told)
        latencies[r] = successor.became_leader - start
        if observer is not None:
            await_deletion_seen(deleted)  # its watch may run just after the successor's leader function
            from_deletion[r] = successor.became_leader - deleted[0]
            # The server expires sessions on ticks of its nanoTime clock, which is CLOCK_MONOTONIC as ours is.
            anchor = deleted[0] - deleted[0] % tick_ns
        if mode == "herd":
            notifications += watch_triggers(connect) - before
        if observer is not None:
            observer.stop()
            observer.close()
        if mode == "crash":
            # The crashed process is replaced by a fresh one, ended only now that the successor has been told.
            leader.leave()
            replacement = Participant(connect, session_timeout_ms, leader.name)
            replacement.join(path, told)
            everyone[everyone.index(leader)] = replacement
        else:
            leader.join(path, told)  # back of the queue
        wait_for_one_leader(everyone)

    if Participant.dropped:
        print("warning: kazoo: %d connections dropped during the run without a crash (%s); its figures include the "
              "recovery" % (len(Participant.dropped), ", ".join(sorted(set(Participant.dropped))[:5])), file=sys.stderr)
    print(json.dumps({
        "p50Us": percentile(latencies, 0.50), "p99Us": percentile(latencies, 0.99),
        "fromDeletionP50Us": percentile(from_deletion, 0.50), "fromDeletionP99Us": percentile(from_deletion, 0.99),
        "notificationsPerFailover": notifications / rounds,
    }), flush=True)
    if n > 50:
        # As the Java driver does: the measurement is printed, so end the process and let the server expire the
        # sessions rather than stop hundreds of clients and their threads one after another.
        os._exit(0)
    for p in everyone:
        p.leave()
    return 0


def crash_offset_ns(measured_round, rounds, session_timeout_ms):
    """When the leader crashes: the same offsets as ElectionBench.crashOffsetNanos and ours, counted from the server
    tick that expired the previous leader, half a session timeout to settle, then evenly over one session timeout."""
    fraction = 0.5 if measured_round < 0 else (measured_round + 0.5) / rounds  # warm-up rounds: mid-cycle
    return int(session_timeout_ms * (0.5 + fraction) * 1_000_000)


SETTLE_S = 0.02


def wait_for_one_leader(everyone):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum(1 for p in everyone if p.leading()) == 1 and all(p.candidacy.settled(p.client) for p in everyone):
            time.sleep(SETTLE_S)  # as every driver does: the leaders' own bookkeeping is done before a round
            return
        time.sleep(0.005)
    raise RuntimeError("no single leader")


def wait_for_new_leader(everyone, old, told):
    # The leader function sets told after taking its time, so this thread's waking up is never on the clock.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        successor = next((p for p in everyone if p is not old and p.became_leader != 0), None)
        if successor is not None:
            return successor
        told.wait(0.05)
        told.clear()
    raise RuntimeError("no successor")


def await_deletion_seen(deleted):
    deadline = time.monotonic() + 10
    while not deleted:
        if time.monotonic() > deadline:
            raise RuntimeError("the observer never saw the crashed leader's candidate go")
        time.sleep(0.001)


def watch_triggers(connect):
    """Watches the server triggered so far, from its own counters (mntr)."""
    host, port = connect.split(",")[0].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"mntr")
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    total = 0
    for line in b"".join(chunks).decode("utf-8").split("\n"):
        kv = line.split("\t")
        if len(kv) == 2 and kv[0].startswith("zk_sum_node_") and kv[0].endswith("_watch_count"):
            total += int(kv[1].strip())
    return total


def percentile(values, p):
    """The sample at rank floor(n x p) of the sorted values, in microseconds, as the other drivers read it."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))] / 1000.0, 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
