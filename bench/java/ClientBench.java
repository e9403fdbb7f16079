import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The official Java client under the same closed-loop workload as bench/ClusterDashboard.Bench: `inflight` chains,
 * each issuing its next request from the previous one's callback. Prints one line of JSON.
 * Usage: ClientBench connectString workload(getdata|createdelete) inflight warmupMs measureMs
 */
public final class ClientBench {
    private static final int MAX_SAMPLES = 4_000_000;

    public static void main(String[] args) throws Exception {
        String connect = args[0];
        String workload = args[1];
        int inflight = Integer.parseInt(args[2]);
        long warmupMs = Long.parseLong(args[3]);
        long measureMs = Long.parseLong(args[4]);

        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 10000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not connected");
        }
        String root = "/bench-java-" + System.nanoTime();
        zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        String dataPath = root + "/data";
        zk.create(dataPath, new byte[16], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[] samples = new long[MAX_SAMPLES];
        AtomicLong sampleCount = new AtomicLong();
        CountDownLatch done = new CountDownLatch(inflight);

        for (int i = 0; i < inflight; i++) {
            String mine = root + "/n" + i;
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                if (stop.get()) {
                    done.countDown();
                    return;
                }
                long start = System.nanoTime();
                if (workload.equals("getdata")) {
                    zk.getData(dataPath, false, (AsyncCallback.DataCallback) (rc, p, ctx, data, stat) -> {
                        complete(rc, start, measuring, ops, errors, samples, sampleCount, 1);
                        next[0].run();
                    }, null);
                } else {
                    zk.create(mine, new byte[16], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (AsyncCallback.StringCallback) (rc, p, ctx, name) -> {
                        if (rc != 0) {
                            errors.incrementAndGet();
                        }
                        zk.delete(mine, -1, (AsyncCallback.VoidCallback) (rc2, p2, ctx2) -> {
                            complete(rc2, start, measuring, ops, errors, samples, sampleCount, 2);
                            next[0].run();
                        }, null);
                    }, null);
                }
            };
            next[0].run();
        }

        Thread.sleep(warmupMs);
        ops.set(0);
        sampleCount.set(0);
        measuring.set(true);
        long begin = System.nanoTime();
        Thread.sleep(measureMs);
        measuring.set(false);
        long elapsed = System.nanoTime() - begin;
        long measuredOps = ops.get();
        stop.set(true);
        done.await(30, TimeUnit.SECONDS);

        int n = (int) Math.min(sampleCount.get(), MAX_SAMPLES);
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        double p50 = n == 0 ? 0 : sorted[(int) Math.min(n - 1, Math.floor(n * 0.50))] / 1000.0;
        double p99 = n == 0 ? 0 : sorted[(int) Math.min(n - 1, Math.floor(n * 0.99))] / 1000.0;
        System.out.printf("{\"opsPerSecond\":%.1f,\"p50Us\":%.1f,\"p99Us\":%.1f,\"errors\":%d}%n",
            measuredOps / (elapsed / 1e9), p50, p99, errors.get());

        for (int i = 0; i < inflight; i++) {
            try {
                zk.delete(root + "/n" + i, -1);
            } catch (KeeperException.NoNodeException e) {
                // already gone
            }
        }
        zk.delete(dataPath, -1);
        zk.delete(root, -1);
        zk.close();
    }

    private static void complete(int rc, long start, AtomicBoolean measuring, AtomicLong ops, AtomicLong errors,
            long[] samples, AtomicLong sampleCount, int requests) {
        if (rc != 0) {
            errors.incrementAndGet();
        }
        if (measuring.get()) {
            ops.addAndGet(requests);
            long index = sampleCount.getAndIncrement();
            if (index < samples.length) {
                samples[(int) index] = System.nanoTime() - start;
            }
        }
    }
}
