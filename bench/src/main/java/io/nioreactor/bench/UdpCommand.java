package io.nioreactor.bench;

import io.nioreactor.daemon.DurationConverter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench udp}: closed-loop or open-loop UDP load with loss accounting. */
@Command(name = "udp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"UDP echo load: N sockets each keep D datagrams of S bytes in flight (closed loop), or with"
                + " --rate send R datagrams per second on a fixed schedule, whatever comes back (open loop)."})
final class UdpCommand implements Callable<Integer> {

    @Mixin
    private LoadOptions load;

    @Option(names = "--sockets", defaultValue = "1", description = "Sockets (default: ${DEFAULT-VALUE}).")
    private int sockets;

    @Option(names = "--loss-timeout", defaultValue = "500ms", converter = DurationConverter.class,
            description = "A datagram not echoed within this counts as lost and is replaced (default: ${DEFAULT-VALUE}).")
    private Duration lossTimeout;

    @Override
    public Integer call() throws Exception {
        String label = String.format("udp %d sock x %d x %d B, %d thr%s", sockets, load.depth, load.size, load.threads,
                load.rateLabel());
        return load.report(LoadResult.inParallel(label, load.threads, sockets, (part, share) ->
                UdpLoad.run(load.target, share, load.depth, load.size, lossTimeout, load.warmup, load.duration,
                        part == 0 ? System.err : LoadOptions.QUIET, load.serverPid, load.rateOf(share, sockets))));
    }
}
