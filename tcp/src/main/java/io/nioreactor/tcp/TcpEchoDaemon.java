package io.nioreactor.tcp;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.LoopMetrics;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.daemon.DurationConverter;
import io.nioreactor.daemon.GracefulExit;
import io.nioreactor.daemon.LogLevel;
import io.nioreactor.daemon.Rates;
import io.nioreactor.daemon.SizeConverter;
import io.nioreactor.daemon.VersionProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The TCP echo daemon: {@code java -jar tcp/target/tcp-echo.jar [flags]}. */
@Command(name = "tcp-echo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Echoes every byte back over TCP (or a Unix domain socket), with backpressure.")
public final class TcpEchoDaemon implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TcpEchoDaemon.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: opens to the network).")
    private String host;

    @Option(names = "--port", defaultValue = "7007", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--unix", paramLabel = "PATH", description = "Listen on this Unix domain socket instead of TCP.")
    private Path unixPath;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "Close connections idle this long, e.g. 500ms, 30s, 5m; 0 = off (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
            description = "Connections served at once; more are closed at once (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "1024",
            description = "Listen backlog (default: ${DEFAULT-VALUE}).")
    private int backlog;

    @Option(names = "--high-water", paramLabel = "SIZE", defaultValue = "64KiB", converter = SizeConverter.class,
            description = "Stop reading a peer once this much echo is queued for it (default: ${DEFAULT-VALUE}).")
    private int highWater;

    @Option(names = "--low-water", paramLabel = "SIZE", defaultValue = "32KiB", converter = SizeConverter.class,
            description = "Resume reading once the queue is down to this (default: ${DEFAULT-VALUE}).")
    private int lowWater;

    @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Log connection and byte counts at this interval; 0 = off (default).")
    private Duration statsInterval;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "On SIGTERM/SIGINT, how long queued echoes may drain (default: ${DEFAULT-VALUE}).")
    private Duration shutdownTimeout;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "TRACE, DEBUG (per connection), INFO, WARN, ERROR or OFF (default: ${DEFAULT-VALUE}).")
    private LogLevel logLevel;

    /**
     * Runs the daemon.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(DaemonMain.run(new TcpEchoDaemon(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        TcpOptions options = options();
        SocketAddress address = unixPath != null ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
        if (address instanceof InetSocketAddress && ((InetSocketAddress) address).isUnresolved()) {
            throw DaemonMain.usageError(spec, "Invalid value for option '--host': cannot resolve '" + host + "'");
        }
        logLevel.apply();

        EventLoop loop = EventLoop.start("tcp-echo");
        TcpServer server;
        try {
            server = loop.listenTcp(address, options, connection -> EchoHandler.INSTANCE).join();
        } catch (CompletionException e) {
            System.err.println(e.getCause().getMessage());
            loop.shutdownGracefully(Duration.ZERO);
            return DaemonMain.EXIT_FAILURE;
        }
        GracefulExit.install(loop, shutdownTimeout);
        log.info("listening on {} {}", unixPath != null ? "unix" : "tcp", describe(server.localAddress()));
        if (!statsInterval.isZero()) {
            reportStatsEvery(loop, statsInterval);
        }
        loop.terminationFuture().join();
        return 0;
    }

    private TcpOptions options() {
        check(port >= 0 && port <= 65_535, "--port", port + " is not in 0..65535");
        check(maxConnections >= 1, "--max-connections", maxConnections + " must be at least 1");
        check(backlog >= 1, "--backlog", backlog + " must be at least 1");
        check(highWater >= 1, "--high-water", highWater + " must be at least 1");
        check(lowWater <= highWater, "--low-water", lowWater + " must not be above --high-water (" + highWater + ")");
        check(!idleTimeout.isNegative(), "--idle-timeout", idleTimeout + " must not be negative");
        check(!shutdownTimeout.isNegative(), "--shutdown-timeout", shutdownTimeout + " must not be negative");
        check(!statsInterval.isNegative(), "--stats-interval", statsInterval + " must not be negative");
        return TcpOptions.builder()
                .idleTimeout(idleTimeout)
                .maxConnections(maxConnections)
                .backlog(backlog)
                .highWaterMark(highWater)
                .lowWaterMark(lowWater)
                .build();
    }

    private void check(boolean ok, String flag, String why) {
        if (!ok) {
            throw DaemonMain.usageError(spec, "Invalid value for option '" + flag + "': " + why);
        }
    }

    private static void reportStatsEvery(EventLoop loop, Duration interval) {
        LoopMetrics m = loop.metrics();
        Rates rates = new Rates(4);
        Runnable report = new Runnable() {
            @Override
            public void run() {
                double[] perSecond = rates.perSecond(m.connectionsAccepted(), m.connectionsClosed(),
                        m.bytesRead(), m.bytesWritten());
                log.info("open {} | accepted {} ({}/s) | closed {} ({}/s) | rejected {} | in {} ({}/s) | out {} ({}/s)",
                        m.connectionsOpen(), m.connectionsAccepted(), Math.round(perSecond[0]),
                        m.connectionsClosed(), Math.round(perSecond[1]), m.connectionsRejected(),
                        Rates.bytes(m.bytesRead()), Rates.bytes(perSecond[2]),
                        Rates.bytes(m.bytesWritten()), Rates.bytes(perSecond[3]));
                loop.schedule(this, interval);
            }
        };
        loop.schedule(report, interval);
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String ip = inet.getAddress().getHostAddress();
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        }
        return address.toString();
    }
}
