package io.nioreactor.daemon;

import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.TcpServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
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
     * Waits for the bind; on failure prints its one-line reason on stderr and stops the loops.
     *
     * @param loops the daemon's loops
     * @param bound the future of the bound server or endpoint
     * @param <T>   the server or endpoint type
     * @return the bound server or endpoint, or {@code null} if binding failed
     */
    public static <T> T awaitBound(EventLoopGroup loops, CompletableFuture<T> bound) {
        try {
            return bound.join();
        } catch (CompletionException e) {
            System.err.println(e.getCause().getMessage());
            loops.shutdownGracefully(Duration.ZERO);
            return null;
        }
    }

    /**
     * Where the daemon listens, for its start line: {@code tcp 127.0.0.1:7007}, or for a socket it
     * was started with {@code inherited 127.0.0.1:7007 (tcp)}.
     *
     * @param transport "tcp", "tls", "udp" or "unix"
     * @param address   the bound address
     * @param inherited whether the socket was inherited (socket activation)
     * @return the text after "listening on "
     */
    public static String where(String transport, SocketAddress address, boolean inherited) {
        String at = AddressFormat.describe(address);
        return inherited ? "inherited " + at + " (" + transport + ")" : transport + " " + at;
    }

    /**
     * Starts what comes with serving: the metrics endpoint ({@code --metrics}) and the pid file
     * ({@code --pid-file}); if either fails, prints its one-line reason on stderr and stops the loops.
     * Call it before the service listens: a daemon that then gives up has taken no connection (with
     * {@code --share-port}, a failing new daemon would otherwise reset the connections the kernel had
     * begun to hand it). With {@code --share-port} the metrics port is shared as well.
     *
     * @param loops  the daemon's loops
     * @param common the daemon's common flags
     * @param served the kinds of channel the daemon serves, whose figures the metrics show
     * @return whether both started (or were not asked for)
     */
    public static boolean startExtras(EventLoopGroup loops, CommonOptions common, LoopMetric.Channels... served) {
        if (common.metricsAddress() != null) {
            TcpServer metrics = awaitBound(loops, MetricsEndpoint.start(loops, common.metricsAddress(),
                    common.sharePort(), served));
            if (metrics == null) {
                return false;
            }
            log.info("metrics for Prometheus at http://{}/metrics", AddressFormat.describe(metrics.localAddress()));
        }
        if (common.pidFile() != null) {
            try {
                // Not through a link someone else put there: the path may be in a shared folder.
                Files.writeString(common.pidFile(), ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                System.err.println("cannot write the pid file " + common.pidFile() + ": " + e);
                loops.shutdownGracefully(Duration.ZERO);
                return false;
            }
        }
        return true;
    }

    /**
     * The service could not listen after {@link #startExtras}: the pid file it wrote is removed (the
     * loops, and with them the metrics endpoint, are already stopping).
     *
     * @param common the daemon's common flags
     */
    public static void abandonExtras(CommonOptions common) {
        if (common.pidFile() != null) {
            GracefulExit.removeIfOurs(common.pidFile());
        }
    }

    /**
     * Logs the start line, installs the graceful exit on SIGTERM/SIGINT, schedules the stats
     * line (totals over the loops), then blocks until every loop has terminated.
     *
     * @param loops           the daemon's loops
     * @param where           where it listens, for the start line (see {@link #where})
     * @param shutdownTimeout how long a graceful shutdown may take
     * @param common          the daemon's common flags: the stats interval, the pid file
     * @param stats           makes the stats line from the rates since the previous one
     * @return 0, the exit code of a daemon that stopped cleanly; 1 if a fatal error ended a loop
     */
    public static int untilStopped(EventLoopGroup loops, String where, Duration shutdownTimeout, CommonOptions common,
            Function<Rates, StatsLine> stats) {
        GracefulExit.install(loops, shutdownTimeout, common.pidFile());
        log.info("listening on {}", where);
        Duration interval = common.statsInterval();
        if (!interval.isZero()) {
            Rates rates = new Rates();
            Runnable report = new Runnable() {
                @Override
                public void run() {
                    stats.apply(rates).logTo(log);
                    loops.next().schedule(this, interval); // a running loop, should one have died
                }
            };
            loops.next().schedule(report, interval);
        }
        return loops.terminationFuture().handle((ignored, fatal) -> fatal == null ? 0 : DaemonMain.EXIT_FAILURE).join();
    }
}
