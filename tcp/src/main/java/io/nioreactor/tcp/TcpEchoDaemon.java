package io.nioreactor.tcp;

import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopMetrics;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.daemon.CommonOptions;
import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.daemon.DurationConverter;
import io.nioreactor.daemon.InheritedSocket;
import io.nioreactor.daemon.Rates;
import io.nioreactor.daemon.Serving;
import io.nioreactor.daemon.StatsLine;
import io.nioreactor.daemon.SizeConverter;
import io.nioreactor.daemon.VersionProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The TCP echo daemon: {@code java -jar tcp/target/tcp-echo.jar [flags]}. */
@Command(name = "tcp-echo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Echoes every byte back over TCP (or a Unix domain socket), with backpressure.")
public final class TcpEchoDaemon implements Callable<Integer> {

    @Mixin
    private CommonOptions common;

    @Mixin
    private TlsFlags tls;

    @Option(names = "--unix", order = 12, paramLabel = "PATH", description = "Listen on this Unix domain socket instead of TCP.")
    private Path unixPath;

    @Option(names = "--idle-timeout", order = 23, paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "Close connections idle this long, e.g. 500ms, 30s, 5m; 0 = off (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Option(names = "--max-connections", order = 21, paramLabel = "N", defaultValue = "10000",
            description = "Connections served at once; more are closed at once (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--backlog", order = 22, paramLabel = "N", defaultValue = "1024",
            description = "Listen backlog (default: ${DEFAULT-VALUE}).")
    private int backlog;

    @Option(names = "--high-water", order = 30, paramLabel = "SIZE", defaultValue = "64KiB", converter = SizeConverter.class,
            description = "Stop reading a peer once this much echo is queued for it (default: ${DEFAULT-VALUE}).")
    private int highWater;

    @Option(names = "--low-water", order = 31, paramLabel = "SIZE", defaultValue = "32KiB", converter = SizeConverter.class,
            description = "Resume reading once the queue is down to this (default: ${DEFAULT-VALUE}).")
    private int lowWater;

    @Option(names = "--send-buffer", order = 32, paramLabel = "SIZE", defaultValue = "128KiB", converter = SizeConverter.class,
            description = "SO_SNDBUF of each connection, which the kernel doubles; 0 = the kernel's autotuning, up to"
                    + " net.ipv4.tcp_wmem's maximum (4 MiB). Peers that never read hold that much kernel memory each:"
                    + " at 4 MiB, 1,500 of them push the host into TCP memory pressure, where every socket of it"
                    + " slows down (default: ${DEFAULT-VALUE}).")
    private int sendBuffer;

    @Option(names = "--shutdown-timeout", order = 24, paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "On SIGTERM/SIGINT, how long connections may take to finish: each is answered and ends once"
                    + " quiet for 250 ms; the rest are reset after this (default: ${DEFAULT-VALUE}).")
    private Duration shutdownTimeout;

    /**
     * Runs the daemon.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(DaemonMain.run(new TcpEchoDaemon(), args));
    }

    @Override
    public Integer call() {
        String consoleMoved = InheritedSocket.moveConsoleOffTheSocket(); // before the first line is logged
        InetSocketAddress inet = common.validateAndApply();
        InheritedSocket inherited = InheritedSocket.toServe(common, false, "tcp-echo", "--unix");
        common.check(unixPath == null || !common.sharePort(), "--share-port",
                "a Unix domain socket cannot be shared; leave out --unix or --share-port");
        TcpOptions options = options();
        if (consoleMoved != null) {
            LoggerFactory.getLogger(TcpEchoDaemon.class).info(consoleMoved);
        }
        if (tls.enabled()) {
            LoggerFactory.getLogger(TcpEchoDaemon.class).info("TLS by {}", tls.provider().description());
        }
        if (common.sharePort()) {
            warnIfQueuedConnectionsCannotMigrate(Path.of("/proc/sys/net/ipv4/tcp_migrate_req"));
        }
        SocketAddress address = unixPath != null ? UnixDomainSocketAddress.of(unixPath) : inet;

        EventLoopGroup loops = EventLoopGroup.start("tcp-echo", common.threads(), common.loopOptions());
        LoopMetric.Channels[] served = tls.enabled() ? new LoopMetric.Channels[] {LoopMetric.Channels.TCP,
                LoopMetric.Channels.TLS} : new LoopMetric.Channels[] {LoopMetric.Channels.TCP};
        if (!Serving.startExtras(loops, common, served)) { // before listening: a failure here takes no connection
            return DaemonMain.EXIT_FAILURE;
        }
        TcpServer server = Serving.awaitBound(loops, inherited != null
                ? loops.listenTcp(inherited.listening(), options, c -> EchoHandler.INSTANCE)
                : loops.listenTcp(address, options, c -> EchoHandler.INSTANCE));
        if (server == null) {
            Serving.abandonExtras(common);
            return DaemonMain.EXIT_FAILURE;
        }
        String transport = tls.enabled() ? "tls" : inherited != null ? inherited.transport("tcp")
                : unixPath != null ? "unix" : "tcp";
        LoopMetrics m = loops.metrics();
        return Serving.untilStopped(loops, Serving.where(transport, server.localAddress(), inherited != null),
                shutdownTimeout, common, rates -> stats(m, rates));
    }

    /** The stats line: connections, bytes, then the budget and the loops. */
    static StatsLine stats(LoopMetrics m, Rates rates) {
        double[] perSecond = rates.perSecond(m.connectionsAccepted(), m.connectionsClosed(), m.bytesRead(),
                m.bytesWritten());
        StatsLine line = new StatsLine()
                .add("open " + m.connectionsOpen(), "open", m.connectionsOpen())
                .add(String.format(Locale.ROOT, "accepted %d (%.0f/s)", m.connectionsAccepted(), perSecond[0]),
                        "accepted", m.connectionsAccepted(), "acceptedPerSecond", Math.round(perSecond[0]))
                .add(String.format(Locale.ROOT, "closed %d (%.0f/s)", m.connectionsClosed(), perSecond[1]),
                        "closed", m.connectionsClosed(), "closedPerSecond", Math.round(perSecond[1]))
                .add("rejected " + m.connectionsRejected(), "rejected", m.connectionsRejected())
                .add("accept pauses " + m.acceptPauses(), "acceptPauses", m.acceptPauses())
                .add("read " + Rates.bytes(m.bytesRead()) + " (" + Rates.bytes(perSecond[2]) + "/s)",
                        "bytesRead", m.bytesRead(), "bytesReadPerSecond", Math.round(perSecond[2]))
                .add("written " + Rates.bytes(m.bytesWritten()) + " (" + Rates.bytes(perSecond[3]) + "/s)",
                        "bytesWritten", m.bytesWritten(), "bytesWrittenPerSecond", Math.round(perSecond[3]));
        return CommonOptions.budgetStats(line, m);
    }

    /**
     * A hand-over with --share-port ends with the old daemon's listener closing. Linux resets the
     * connections queued on that listener and not yet accepted, unless tcp_migrate_req (Linux
     * 5.14+) lets it move them to another listener of the port: say so once, at start.
     */
    static void warnIfQueuedConnectionsCannotMigrate(Path sysctl) {
        try {
            if (Files.readString(sysctl).trim().equals("0")) {
                LoggerFactory.getLogger(TcpEchoDaemon.class).warn("--share-port: net.ipv4.tcp_migrate_req is 0, so"
                        + " connections queued on this daemon's listener and not yet accepted are reset when it stops"
                        + " while another shares the port; sysctl -w net.ipv4.tcp_migrate_req=1 lets the kernel hand"
                        + " them to the other listener");
            }
        } catch (IOException e) {
            // not Linux, or a kernel without it: nothing to tell
        }
    }

    private TcpOptions options() {
        common.check(maxConnections >= 1, "--max-connections", maxConnections + " must be at least 1");
        common.check(backlog >= 1, "--backlog", backlog + " must be at least 1");
        common.check(highWater >= 1, "--high-water", highWater + " must be at least 1");
        common.check(lowWater <= highWater, "--low-water",
                lowWater + " must not be above --high-water (" + highWater + ")");
        common.check(sendBuffer >= 0, "--send-buffer", sendBuffer + " must be 0 (the kernel's) or more");
        common.check(!idleTimeout.isNegative(), "--idle-timeout",
                DurationConverter.text(idleTimeout) + " must not be negative");
        common.check(!shutdownTimeout.isNegative(), "--shutdown-timeout", DurationConverter.text(shutdownTimeout)
                + " must not be negative");
        return TcpOptions.builder()
                .reusePort(common.sharePort())
                .idleTimeout(idleTimeout)
                .maxConnections(maxConnections)
                .backlog(backlog)
                .highWaterMark(highWater)
                .lowWaterMark(lowWater)
                .sendBufferSize(sendBuffer)
                .tls(tls.serverOptions(common))
                .build();
    }
}
