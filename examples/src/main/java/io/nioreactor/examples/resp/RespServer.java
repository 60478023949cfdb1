package io.nioreactor.examples.resp;

import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopOptions;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Redis-protocol (RESP2) key-value server on an {@link EventLoopGroup}: what embedding the
 * reactor in a service of one's own looks like. {@code java -jar examples/target/resp-server.jar
 * --port 6380}, then {@code redis-cli -p 6380} or {@code redis-benchmark -p 6380}.
 */
@Command(name = "resp-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A Redis-protocol key-value server on the nioreactor core (an example).")
public final class RespServer implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RespServer.class);

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "6380", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--threads", defaultValue = "1", description = "Event loops (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--max-request", defaultValue = "16777216",
            description = "Bytes of one request at most; a larger one is refused as soon as its header says so"
                    + " (default: ${DEFAULT-VALUE}).")
    private int maxRequest;

    @Option(names = "--busy-poll-us", defaultValue = "100",
            description = "Microseconds each loop goes on polling after I/O before it sleeps (0 to 1000; 0: off):"
                    + " a client's next request finds the loop awake, which serves more requests a second at the"
                    + " price of CPU while clients are active (default: ${DEFAULT-VALUE}).")
    private int busyPollMicros;

    /**
     * Runs the server until SIGTERM or SIGINT.
     *
     * @param args the command line; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, a wrong or unknown flag answered in one line (exit 2), not with the whole usage. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new RespServer());
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            System.err.println(e.getMessage() + " (try --help)");
            return 2;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        String wrong = threads < 1 ? "--threads must be at least 1, not " + threads
                : maxRequest < 64 ? "--max-request must be at least 64, not " + maxRequest
                : port < 0 || port > 65535 ? "--port must be within 0..65535, not " + port
                : busyPollMicros < 0 || busyPollMicros > 1000 ? "--busy-poll-us must be within 0..1000, not " + busyPollMicros
                : null;
        if (wrong != null) {
            System.err.println(wrong);
            return 2;
        }
        Store store = new Store(); // one for all loops: every client sees every key
        EventLoopGroup loops = EventLoopGroup.start("resp", threads,
                LoopOptions.builder().busyPoll(Duration.ofNanos(busyPollMicros * 1_000L)).build());
        sweepExpiredKeys(loops, store);
        TcpServer server;
        try {
            server = loops.listenTcp(new InetSocketAddress(host, port), TcpOptions.defaults(),
                    c -> new RespConnection(store, maxRequest)).join();
        } catch (CompletionException e) {
            System.err.println(e.getCause().getMessage());
            loops.shutdownGracefully(Duration.ZERO).join();
            return 1;
        }
        log.info("listening on resp {}", server.localAddress());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loops.shutdownGracefully(Duration.ofSeconds(5)).join();
            stopped.countDown();
        }, "resp-shutdown"));
        loops.terminationFuture().join();
        stopped.await();
        return 0;
    }

    /**
     * Removes expired keys that nobody looks at: every tenth of a second, one loop looks at a
     * fiftieth of the keys (1,000 to 20,000): a whole pass in about five seconds from 50,000 to a
     * million keys (longer above), a few milliseconds of the loop's time at most, and nothing
     * while no key has an expiry.
     */
    static void sweepExpiredKeys(EventLoopGroup loops, Store store) {
        Duration tick = Duration.ofMillis(100);
        loops.next().scheduleAtFixedRate(() -> store.sweepExpired(Math.max(1_000, Math.min(20_000, store.size() / 50))),
                tick, tick);
    }
}
