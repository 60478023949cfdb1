package io.nioreactor.bench;

import io.nioreactor.daemon.AddressFormat;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench server}: one of the echo servers under comparison, until SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs an echo server: this reactor, Netty 4.2 (NIO, epoll or io_uring), blocking or"
                + " virtual-thread java.net.")
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--impl", required = true, paramLabel = "IMPL",
            description = "reactor, netty, netty-epoll, netty-io_uring, blocking or virtual (virtual needs Java 21+);"
                    + " reactor-per-message or reactor-batched answer each 64-byte message with a write of its own,"
                    + " or with one gathering write per read burst. With --tls also reactor-openssl (OpenSSL's engine),"
                    + " reactor-accp (the JDK's engine on Amazon Corretto Crypto Provider) and netty-openssl.")
    private String impl;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "For --impl netty: nio (default), epoll or io_uring.")
    private String transport;

    @Option(names = "--threads", defaultValue = "1",
            description = "Event loops of the reactor, worker threads of Netty's TCP server (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--proto", defaultValue = "tcp",
            description = "tcp, udp, or tls: TCP with TLS (default: ${DEFAULT-VALUE}).")
    private String proto;

    @Option(names = "--tls", description = "TLS over TCP (--proto tls), with the bench's self-signed certificate"
            + " for localhost and 127.0.0.1; for reactor and netty, on the JDK's own SSLEngine.")
    private boolean tls;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Override
    public Integer call() throws Exception {
        EchoServer server;
        String chosen = impl.equals("netty") && transport != null && !transport.equals("nio")
                ? "netty-" + transport : impl;
        try {
            server = EchoServer.start(chosen, tls ? "tls" : proto, new InetSocketAddress(host, port), threads);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (server instanceof ReactorEchoServer) {
                    // Read by `bench scaling`: how evenly the work was spread over the loops.
                    System.out.println("served per loop: " + ((ReactorEchoServer) server).acceptedPerLoop());
                    System.out.flush();
                }
                server.close();
            } catch (Exception e) {
                System.err.println("error stopping the server: " + e);
            }
        }));
        System.out.println("listening on " + proto + " " + AddressFormat.describe(server.address()) + " (" + chosen + ")");
        System.out.flush();
        new CountDownLatch(1).await(); // serves until the process is stopped
        return 0;
    }
}
