import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooKeeper;

/**
 * Apache Curator's LeaderLatch under the workloads of bench/ClusterDashboard.Bench's election benchmark. Prints one
 * line of JSON. Usage: ElectionBench connectString mode(graceful|crash|herd) participants rounds sessionTimeoutMs serverTickMs
 * Graceful: the leader closes its latch (its znode goes, its client stays, so ZOOKEEPER-3652's close lock does not
 * count) until the successor's isLeader callback. Crash: the leader's client stops without closing its session
 * (injectSessionExpiration), so the server expires it after the session timeout.
 */
public final class ElectionBench {
    // Signalled when any participant is told it leads, so the driver waits for the successor instead of polling
    // (ours awaits a task, kazoo's waits on an Event): a thread waking every millisecond would take CPU from the
    // failover it measures, and on .NET would keep a thread-pool thread spinning for the failover's hand-offs.
    static final Object TOLD = new Object();
    static final int SETTLE_MS = 20;

    static final class Participant {
        final CuratorFramework client;
        volatile LeaderLatch latch;
        final AtomicLong becameLeaderNanos = new AtomicLong();

        Participant(String connect, int sessionTimeoutMs) {
            client = CuratorFrameworkFactory.newClient(connect, sessionTimeoutMs, 10000, new RetryOneTime(100));
            client.start();
        }

        void join(String path) throws Exception {
            LeaderLatch l = new LeaderLatch(client, path);
            l.addListener(new LeaderLatchListener() {
                public void isLeader() {
                    becameLeaderNanos.set(System.nanoTime());
                    synchronized (TOLD) {
                        TOLD.notifyAll();
                    }
                }
                public void notLeader() { }
            });
            l.start();
            latch = l;
        }
    }

    public static void main(String[] args) throws Exception {
        String connect = args[0];
        String mode = args[1];
        int n = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int sessionTimeoutMs = Integer.parseInt(args[4]);
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(args[5]));
        String path = "/bench-curator-" + System.nanoTime();
        List<Participant> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Participant p = new Participant(connect, sessionTimeoutMs);
            p.client.blockUntilConnected();
            p.join(path);
            all.add(p);
        }
        waitForOneLeader(all);

        // Unmeasured rounds first, as many on every side (80 graceful: see OurElectionWorkload), so the tail is not
        // the JIT's work on the failover path.
        int warmup = mode.equals("graceful") ? 80 : mode.equals("crash") ? 2 : 0;
        long[] latencies = new long[rounds];
        long[] fromDeletion = new long[rounds];
        long notifications = 0;
        long anchor = System.nanoTime(); // crashes: the server tick that expired the previous leader
        for (int round = 0; round < rounds + warmup; round++) {
            int r = Math.max(0, round - warmup);
            Participant leader = leaderOf(all);
            for (Participant p : all) {
                p.becameLeaderNanos.set(0);
            }
            String leaderNode = leader.latch.getOurPath();
            long before = mode.equals("herd") ? watchTriggers(connect) : 0;
            AtomicLong deleted = new AtomicLong();
            ZooKeeper observer = null;
            if (mode.equals("crash")) {
                CountDownLatch connected = new CountDownLatch(1);
                observer = new ZooKeeper(connect, 10000, e -> connected.countDown());
                connected.await(10, TimeUnit.SECONDS);
                observer.exists(leaderNode, e -> deleted.set(System.nanoTime()));
            }
            if (mode.equals("crash")) {
                long remainingNanos = anchor + crashOffsetNanos(round - warmup, rounds, sessionTimeoutMs) - System.nanoTime();
                if (remainingNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(remainingNanos);
                } else if (round >= warmup) {
                    System.err.printf("warning: crash round %d is %d ms late; the offsets no longer match ours%n", round - warmup, -remainingNanos / 1_000_000);
                }
            }
            long start = System.nanoTime();
            if (mode.equals("crash")) {
                leader.client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
            } else {
                leader.latch.close();
            }
            Participant successor = waitForNewLeader(all, leader);
            long told = successor.becameLeaderNanos.get();
            latencies[r] = told - start;
            if (observer != null) {
                awaitDeletionSeen(deleted); // its watcher may run just after the successor's
                fromDeletion[r] = told - deleted.get();
                // The server expires sessions on ticks of its nanoTime clock, the same monotonic clock as ours.
                anchor = deleted.get() - deleted.get() % tickNanos;
            }
            if (mode.equals("herd")) {
                notifications += watchTriggers(connect) - before;
            }
            if (observer != null) {
                observer.close();
            }
            if (mode.equals("crash")) {
                // The crashed process is replaced by a fresh one, closed only now that the successor has been told.
                leader.client.close();
                Participant replacement = new Participant(connect, sessionTimeoutMs);
                replacement.client.blockUntilConnected();
                replacement.join(path);
                all.set(all.indexOf(leader), replacement);
            } else {
                leader.join(path); // back of the queue
            }
            waitForOneLeader(all);
        }
        System.out.printf("{\"p50Us\":%.1f,\"p99Us\":%.1f,\"fromDeletionP50Us\":%.1f,\"fromDeletionP99Us\":%.1f,\"notificationsPerFailover\":%.2f}%n",
            percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(fromDeletion, 0.50), percentile(fromDeletion, 0.99),
            (double) notifications / rounds);
        System.out.flush();
        if (n > 50) {
            // Closing hundreds of clients one after another takes minutes under ZOOKEEPER-3652's JVM-wide close lock;
            // the measurement is printed, so end the process and let the server expire the sessions.
            Runtime.getRuntime().halt(0);
        }
        for (Participant p : all) {
            p.client.close();
        }
    }

    /**
     * When the leader crashes, as in ours: counted from the server tick that expired the previous leader, half a
     * session timeout to settle, then evenly over one session timeout. Both clients ping every third of the timeout and
     * the server expires sessions on its tick, so the result hangs on where in those cycles the crash lands; the same
     * offsets on both sides sample them alike.
     */
    static long crashOffsetNanos(int measuredRound, int rounds, int sessionTimeoutMs) {
        double fraction = measuredRound < 0 ? 0.5 : (measuredRound + 0.5) / rounds; // warm-up rounds: mid-cycle
        return (long) (sessionTimeoutMs * (0.5 + fraction) * 1_000_000L);
    }

    static Participant leaderOf(List<Participant> all) {
        for (Participant p : all) {
            if (p.latch != null && p.latch.hasLeadership()) {
                return p;
            }
        }
        return null;
    }

    static void waitForOneLeader(List<Participant> all) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int leaders = 0;
            for (Participant p : all) {
                if (p.latch != null && p.latch.hasLeadership()) {
                    leaders++;
                }
            }
            if (leaders == 1) {
                Thread.sleep(SETTLE_MS); // as every driver does: the leaders' own bookkeeping is done before a round
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no single leader");
    }

    static void awaitDeletionSeen(AtomicLong deleted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (deleted.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the observer never saw the crashed leader's candidate go");
            }
            Thread.sleep(1);
        }
    }

    static Participant waitForNewLeader(List<Participant> all, Participant old) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            synchronized (TOLD) {
                for (Participant p : all) {
                    if (p != old && p.becameLeaderNanos.get() != 0) {
                        return p;
                    }
                }
                TOLD.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        throw new IllegalStateException("no successor");
    }

    /** Watches the server triggered so far, from its own counters (mntr). */
    static long watchTriggers(String connect) throws Exception {
        String[] hostPort = connect.split(",")[0].split(":");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            OutputStream out = s.getOutputStream();
            out.write("mntr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long sum = 0;
            for (String line : text.split("\n")) {
                String[] kv = line.split("\t");
                if (kv.length == 2 && kv[0].startsWith("zk_sum_node_") && kv[0].endsWith("_watch_count")) {
                    sum += Long.parseLong(kv[1].trim());
                }
            }
            return sum;
        }
    }

    static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * p))] / 1000.0;
    }
}
