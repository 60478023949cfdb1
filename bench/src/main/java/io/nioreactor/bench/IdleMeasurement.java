package io.nioreactor.bench;

import io.nioreactor.daemon.ProcStats;
import java.util.concurrent.TimeUnit;

/** Server memory per idle connection: its RSS before and after accepting N idle connections. */
final class IdleMeasurement {

    private IdleMeasurement() {
    }

    static Sample measure(ServerProcess server, int connections) throws Exception {
        long pid = server.pid();
        int fdsBefore = ProcStats.openFileDescriptors(pid);
        long rssBefore = ProcStats.residentKib(pid);
        long rssHolding;
        try (IdleHold hold = IdleHold.open(server.address(), connections)) {
            // Every accepted connection is one descriptor in the server: wait until it holds them all.
            awaitFileDescriptors(pid, fdsBefore + hold.size(), true);
            rssHolding = ProcStats.residentKib(pid);
        }
        awaitFileDescriptors(pid, fdsBefore, false);
        return new Sample((rssHolding - rssBefore) / (double) connections, 0, 0, 0, rssHolding, 0, 0);
    }

    private static void awaitFileDescriptors(long pid, int target, boolean atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadline < 0) {
            int fds = ProcStats.openFileDescriptors(pid);
            if (atLeast ? fds >= target : fds <= target) {
                return;
            }
            Thread.sleep(50); // polling another process's /proc; nothing to wake us
        }
        throw new IllegalStateException("server " + pid + " did not reach " + target + " descriptors in 60 s");
    }
}
