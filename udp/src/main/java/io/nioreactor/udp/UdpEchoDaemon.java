package io.nioreactor.udp;

import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopMetrics;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import io.nioreactor.daemon.CommonOptions;
import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.daemon.InheritedIpv4Datagrams;
import io.nioreactor.daemon.InheritedSocket;
import io.nioreactor.daemon.Rates;
import io.nioreactor.daemon.Serving;
import io.nioreactor.daemon.StatsLine;
import io.nioreactor.daemon.VersionProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The UDP echo daemon: {@code java -jar udp/target/udp-echo.jar [flags]}. */
@Command(name = "udp-echo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Sends every UDP datagram back to its sender, byte for byte.")
public final class UdpEchoDaemon implements Callable<Integer> {

    @Mixin
    private CommonOptions common;

    @Option(names = "--allow-privileged-source-ports", order = 25,
            description = "Also answer senders whose source port is below 1024 (refused by default: "
                    + "that is where echo/chargen-style services that could loop with this one live).")
    private boolean allowPrivilegedSourcePorts;

    @Option(names = "--rate-limit", order = 26, paramLabel = "N", defaultValue = "0",
            description = "Answer at most N datagrams per second per source address; 0 = no limit (default).")
    private int rateLimit;

    /**
     * Runs the daemon.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        InheritedIpv4Datagrams.preferIpv4IfStandardInputIsOne(); // before the JDK's networking starts
        System.exit(DaemonMain.run(new UdpEchoDaemon(), args));
    }

    @Override
    public Integer call() {
        String consoleMoved = InheritedSocket.moveConsoleOffTheSocket(); // before the first line is logged
        InetSocketAddress address = common.validateAndApply();
        InheritedSocket inherited = InheritedSocket.toServe(common, true, "udp-echo");
        common.check(rateLimit >= 0, "--rate-limit", rateLimit + " must not be negative");
        if (consoleMoved != null) {
            LoggerFactory.getLogger(UdpEchoDaemon.class).info(consoleMoved);
        }
        SharedRateLimiter limiter = UdpEchoHandler.rateLimiter(rateLimit);
        List<UdpEchoHandler> handlers = new CopyOnWriteArrayList<>();
        Supplier<UdpEchoHandler> perLoop = () -> {
            UdpEchoHandler handler = new UdpEchoHandler(allowPrivilegedSourcePorts, limiter);
            handlers.add(handler);
            return handler;
        };

        EventLoopGroup loops = EventLoopGroup.start("udp-echo", common.threads(), common.loopOptions());
        if (!Serving.startExtras(loops, common, LoopMetric.Channels.UDP)) { // before binding: nothing received yet
            return DaemonMain.EXIT_FAILURE;
        }
        UdpOptions options = UdpOptions.builder().reusePort(common.sharePort()).build();
        UdpEndpoint endpoint = Serving.awaitBound(loops, inherited != null
                ? loops.bindUdp(inherited.datagram(), options, perLoop)
                : loops.bindUdp(address, options, perLoop));
        if (endpoint == null) {
            Serving.abandonExtras(common);
            return DaemonMain.EXIT_FAILURE;
        }
        LoopMetrics m = loops.metrics();
        return Serving.untilStopped(loops, Serving.where("udp", endpoint.localAddress(), inherited != null),
                Duration.ofSeconds(1), common, rates -> stats(m, handlers, rates));
    }

    /** The stats line: datagrams, the daemon's refusals, then the budget and the loops. */
    private static StatsLine stats(LoopMetrics m, List<UdpEchoHandler> handlers, Rates rates) {
        double[] perSecond = rates.perSecond(m.datagramsReceived(), m.datagramsSent(), m.datagramBytesReceived(),
                m.datagramBytesSent());
        long refused = sum(handlers, UdpEchoHandler::refused);
        long rateLimited = sum(handlers, UdpEchoHandler::rateLimited);
        StatsLine line = new StatsLine()
                .add(String.format(Locale.ROOT, "in %d (%.0f/s, %s/s)", m.datagramsReceived(), perSecond[0],
                        Rates.bytes(perSecond[2])), "datagramsIn", m.datagramsReceived(),
                        "datagramsInPerSecond", Math.round(perSecond[0]), "bytesInPerSecond", Math.round(perSecond[2]))
                .add(String.format(Locale.ROOT, "out %d (%.0f/s, %s/s)", m.datagramsSent(), perSecond[1],
                        Rates.bytes(perSecond[3])), "datagramsOut", m.datagramsSent(),
                        "datagramsOutPerSecond", Math.round(perSecond[1]), "bytesOutPerSecond", Math.round(perSecond[3]))
                .add("refused " + refused, "refused", refused)
                .add("rate-limited " + rateLimited, "rateLimited", rateLimited)
                .add("dropped " + m.datagramsDropped(), "dropped", m.datagramsDropped())
                .add("errors " + m.datagramErrors(), "errors", m.datagramErrors());
        return CommonOptions.budgetStats(line, m);
    }

    private static long sum(List<UdpEchoHandler> handlers, ToLongFunction<UdpEchoHandler> count) {
        return handlers.stream().mapToLong(count).sum();
    }
}
