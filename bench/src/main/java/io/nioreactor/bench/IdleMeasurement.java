package io.nioreactor.bench;

import io.nioreactor.daemon.ProcStats;
import java.util.concurrent.TimeUnit;

/**
 * Server memory per idle connection: its RSS before and after accepting N idle connections.
 * A server that cannot hold them all (a thread-per-connection server out of threads, say) is
 * measured over those it held, and the sample says how many that was.
 */
final class IdleMeasurement {

    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private IdleMeasurement() {
    }

    /** @param tls whether each connection makes a TLS handshake first (the server serves TLS) */
    static Sample measure(ServerProcess server, int connections, boolean tls) throws Exception {
        long pid = server.pid();
        int fdsBefore = ProcStats.openFileDescriptors(pid);
        long rssBefore = ProcStats.residentKib(pid);
        long rssHolding;
        int held;
        String failure;
        try (IdleHold hold = IdleHold.open(server.address(), connections, tls ? BenchTls.clientContext() : null)) {
            // Each accepted connection is one descriptor in the server: wait until it holds them.
            // (It is a fresh server, stopped after this sample: no need to wait for it to let go.)
            held = Math.min(hold.size(), awaitFileDescriptors(pid, fdsBefore + hold.size()) - fdsBefore);
            rssHolding = ProcStats.residentKib(pid);
            failure = hold.failure();
        }
        String note = held < connections
                ? String.format("held %d of %d connections%s", held, connections, failure == null ? "" : "; " + failure)
                : null;
        return new Sample(held == 0 ? Double.NaN : (rssHolding - rssBefore) / (double) held, 0, 0, 0, rssHolding, 0, 0,
                note);
    }

    /** Waits until the server holds {@code target} descriptors, or the settle time is up. */
    private static int awaitFileDescriptors(long pid, int target) throws Exception {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        int fds = ProcStats.openFileDescriptors(pid);
        while (fds < target && System.nanoTime() - deadline < 0) {
            Thread.sleep(50); // polling another process's /proc; nothing to wake us
            fds = ProcStats.openFileDescriptors(pid);
        }
        return fds;
    }
}
