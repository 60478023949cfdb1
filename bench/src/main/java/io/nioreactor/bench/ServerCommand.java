package io.nioreactor.bench;

import io.nioreactor.daemon.AddressFormat;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench server}: one of the echo servers under comparison, until SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs an echo server: this reactor, Netty NIO (1 thread), blocking or virtual-thread java.net.")
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--impl", required = true, paramLabel = "IMPL",
            description = "reactor, netty, blocking or virtual (virtual needs Java 21+).")
    private String impl;

    @Option(names = "--proto", defaultValue = "tcp", description = "tcp or udp (default: ${DEFAULT-VALUE}).")
    private String proto;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Override
    public Integer call() throws Exception {
        EchoServer server;
        try {
            server = EchoServer.start(impl, proto, new InetSocketAddress(host, port));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("error stopping the server: " + e);
            }
        }));
        System.out.println("listening on " + proto + " " + AddressFormat.describe(server.address()) + " (" + impl + ")");
        System.out.flush();
        new CountDownLatch(1).await(); // serves until the process is stopped
        return 0;
    }
}
