package io.nioreactor.daemon;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that connect in a loop, as an operator's trial of a restart does: each connection sends a
 * few random bytes, reads them back, checks them and closes. One client in four is slow to speak: it
 * sends 50 ms after its connection is made (well within a drain's quiet period), as a client far
 * away or busy does. Every connection is counted, as an echo or as a failure (refused, reset, ended
 * early, timed out, or answered wrongly), with the first failures' reasons kept, and the slowest
 * connection's time from connect to answer (a restart that holds connections in the socket's queue
 * shows there).
 */
public final class EchoLoad {

    private static final int KEPT_FAILURES = 20;

    private final InetSocketAddress target;
    private final int clients;
    private final int size;
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param target  the echo server
     * @param clients how many connect at once, each in a loop
     * @param size    the bytes each connection sends
     */
    public EchoLoad(InetSocketAddress target, int clients, int size) {
        this.target = target;
        this.clients = clients;
        this.size = size;
    }

    /** Starts the clients. */
    public void start() {
        for (int i = 0; i < clients; i++) {
            long seed = i;
            boolean slowToSpeak = i % 4 == 3;
            Thread thread = new Thread(() -> run(new SplittableRandom(seed), slowToSpeak), "echo-load-" + i);
            thread.start();
            threads.add(thread);
        }
    }

    private void run(SplittableRandom random, boolean slowToSpeak) {
        byte[] sent = new byte[size];
        byte[] received = new byte[size];
        while (running) {
            random.nextBytes(sent);
            long begun = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(target, 10_000);
                socket.setSoTimeout(10_000);
                if (slowToSpeak) {
                    pause(50); // the behaviour under test, not a wait for something
                }
                socket.getOutputStream().write(sent);
                readFully(socket.getInputStream(), received);
                if (!Arrays.equals(sent, received)) {
                    throw new IOException("answered with other bytes");
                }
                echoed.incrementAndGet();
                slowestNanos.accumulateAndGet(System.nanoTime() - begun, Math::max);
            } catch (IOException e) {
                failed.incrementAndGet();
                if (failures.size() < KEPT_FAILURES) {
                    failures.add(e.toString());
                }
            }
        }
    }

    /** Keeps a connected client silent for {@code millis}: the peer behaviour under test, not a wait for a condition. */
    private static void pause(long millis) {
        await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 10_000)).until(() -> true);
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int at = 0;
        while (at < into.length) {
            int n = in.read(into, at, into.length - at);
            if (n < 0) {
                throw new IOException("end of stream after " + at + " of " + into.length + " bytes");
            }
            at += n;
        }
    }

    /**
     * Waits until {@code more} connections have ended, echoed or failed, from now.
     *
     * @param more how many
     */
    public void awaitMoreConnections(long more) {
        long until = connections() + more;
        await().atMost(60, TimeUnit.SECONDS).until(() -> connections() >= until);
    }

    /**
     * Stops the clients after their current connection.
     *
     * @throws InterruptedException if interrupted while waiting for them
     */
    public void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    /** @return connections that ended so far, echoed or failed */
    public long connections() {
        return echoed.get() + failed.get();
    }

    /** @return the longest time from connect to checked answer of a connection that succeeded, in ms */
    public long slowestMillis() {
        return slowestNanos.get() / 1_000_000;
    }

    /** @return connections that failed so far */
    public long failureCount() {
        return failed.get();
    }

    /** @return the reasons of the first failures */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** @return "C connections, F failed" */
    public String summary() {
        return connections() + " connections, " + failed.get() + " failed";
    }
}
