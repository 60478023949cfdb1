package io.nioreactor.bench;

import io.nioreactor.daemon.DurationConverter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench idle}: hold idle connections open, to measure a server's memory per connection. */
@Command(name = "idle", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Opens and holds idle connections (source addresses spread over 127.0.0.x if ports run short).")
final class IdleCommand implements Callable<Integer> {

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", converter = TargetConverter.class,
            description = "The server.")
    private InetSocketAddress target;

    @Option(names = "--connections", defaultValue = "10000", description = "Connections (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--tls", description = "A TLS handshake on each connection first, trusting the bench's certificate"
            + " (server --tls).")
    private boolean tls;

    @Option(names = "--hold", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to hold them (default: ${DEFAULT-VALUE}).")
    private Duration hold;

    @Override
    public Integer call() throws Exception {
        try (IdleHold idle = IdleHold.open(target, connections, tls ? BenchTls.clientContext() : null)) {
            System.out.println("holding " + idle.size() + " idle connections to " + target + " for " + hold.toSeconds() + " s");
            if (idle.failure() != null) {
                System.err.println("opened " + idle.size() + " of " + connections + ": " + idle.failure());
            }
            Thread.sleep(hold.toMillis()); // the whole point of this command is to wait
            return idle.failure() == null ? 0 : 1;
        }
    }
}
