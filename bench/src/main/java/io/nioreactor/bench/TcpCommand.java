package io.nioreactor.bench;

import io.nioreactor.core.TcpOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench tcp}: closed-loop or open-loop TCP load with every echoed byte verified. */
@Command(name = "tcp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"TCP echo load: N connections each keep D messages of S bytes in flight (closed loop), or with"
                + " --rate send R messages per second on a fixed schedule, whatever comes back (open loop)."})
final class TcpCommand implements Callable<Integer> {

    @Mixin
    private LoadOptions load;

    @Option(names = "--connections", defaultValue = "1", description = "Connections (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--tls", description = "Over TLS, trusting the bench's certificate (server --tls).")
    private boolean tls;

    @Override
    public Integer call() throws Exception {
        String label = String.format("%s %d conn x %d x %d B, %d thr%s", tls ? "tls" : "tcp", connections, load.depth,
                load.size, load.threads, load.rateLabel());
        return load.report(LoadResult.inParallel(label, load.threads, connections, (part, share) ->
                TcpLoad.run(load.target, tls ? BenchTls.clientOptions() : TcpOptions.defaults(), share, load.depth,
                        load.size, load.warmup, load.duration, part == 0 ? System.err : LoadOptions.QUIET,
                        load.serverPid, load.rateOf(share, connections))));
    }
}
