package io.nioreactor.daemon;

import io.nioreactor.core.EventLoop;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The life of a daemon once its flags are valid: bind, announce, report, wait for a signal. */
public final class Serving {

    private static final Logger log = LoggerFactory.getLogger(Serving.class);

    private Serving() {
    }

    /**
     * Waits for the bind; on failure prints its one-line reason on stderr and stops the loop.
     *
     * @param loop  the daemon's loop
     * @param bound the future of the bound server or endpoint
     * @param <T>   the server or endpoint type
     * @return the bound server or endpoint, or {@code null} if binding failed
     */
    public static <T> T awaitBound(EventLoop loop, CompletableFuture<T> bound) {
        try {
            return bound.join();
        } catch (CompletionException e) {
            System.err.println(e.getCause().getMessage());
            loop.shutdownGracefully(Duration.ZERO);
            return null;
        }
    }

    /**
     * Logs the start line, installs the graceful exit on SIGTERM/SIGINT, schedules the stats
     * line, then blocks until the loop has terminated.
     *
     * @param loop            the daemon's loop
     * @param transport       "tcp", "udp" or "unix", for the start line
     * @param address         the bound address
     * @param shutdownTimeout how long a graceful shutdown may take
     * @param statsInterval   how often to log {@code statsLine}; zero = never
     * @param statsLine       makes the stats line from the time since the previous one
     * @return 0, the exit code of a daemon that stopped cleanly
     */
    public static int untilStopped(EventLoop loop, String transport, SocketAddress address, Duration shutdownTimeout,
            Duration statsInterval, Function<Rates, String> statsLine) {
        GracefulExit.install(loop, shutdownTimeout);
        log.info("listening on {} {}", transport, AddressFormat.describe(address));
        if (!statsInterval.isZero()) {
            Rates rates = new Rates();
            Runnable report = new Runnable() {
                @Override
                public void run() {
                    log.info(statsLine.apply(rates));
                    loop.schedule(this, statsInterval);
                }
            };
            loop.schedule(report, statsInterval);
        }
        loop.terminationFuture().join();
        return 0;
    }
}
