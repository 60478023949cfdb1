package io.nioreactor.udp;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.LoopMetrics;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import io.nioreactor.daemon.CommonOptions;
import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.daemon.Rates;
import io.nioreactor.daemon.Serving;
import io.nioreactor.daemon.VersionProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
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

    @Option(names = "--allow-privileged-source-ports",
            description = "Also answer senders whose source port is below 1024 (refused by default: "
                    + "that is where echo/chargen-style services that could loop with this one live).")
    private boolean allowPrivilegedSourcePorts;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "0",
            description = "Answer at most N datagrams per second per source address; 0 = no limit (default).")
    private int rateLimit;

    /**
     * Runs the daemon.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(DaemonMain.run(new UdpEchoDaemon(), args));
    }

    @Override
    public Integer call() {
        InetSocketAddress address = common.validateAndApply();
        common.check(rateLimit >= 0, "--rate-limit", rateLimit + " must not be negative");
        UdpEchoHandler handler = new UdpEchoHandler(allowPrivilegedSourcePorts, rateLimit);

        EventLoop loop = EventLoop.start("udp-echo", common.loopOptions());
        UdpEndpoint endpoint = Serving.awaitBound(loop, loop.bindUdp(address, UdpOptions.builder().reusePort(common.sharePort()).build(), handler));
        if (endpoint == null) {
            return DaemonMain.EXIT_FAILURE;
        }
        LoopMetrics m = loop.metrics();
        return Serving.untilStopped(loop, "udp", endpoint.localAddress(), Duration.ofSeconds(1),
                common.statsInterval(), rates -> {
                    double[] perSecond = rates.perSecond(m.datagramsReceived(), m.datagramsSent(),
                            m.datagramBytesReceived(), m.datagramBytesSent());
                    return String.format(Locale.ROOT,
                            "in %d (%.0f/s, %s/s) | out %d (%.0f/s, %s/s) | refused %d | rate-limited %d"
                                    + " | dropped %d | errors %d | %s",
                            m.datagramsReceived(), perSecond[0], Rates.bytes(perSecond[2]),
                            m.datagramsSent(), perSecond[1], Rates.bytes(perSecond[3]),
                            handler.refused(), handler.rateLimited(), m.datagramsDropped(), m.datagramErrors(),
                            CommonOptions.budgetStats(m));
                });
    }
}
