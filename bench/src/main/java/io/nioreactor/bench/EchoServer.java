package io.nioreactor.bench;

import io.nioreactor.tcp.TlsProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A running echo server under test; closing it stops it. */
interface EchoServer extends AutoCloseable {

    /** @return the address it is bound to */
    InetSocketAddress address();

    @Override
    void close() throws IOException;

    /**
     * Starts {@code impl} ("reactor", "netty" (NIO), "netty-epoll", "netty-io_uring", "blocking",
     * "virtual", or the reactor answering each 64-byte message on its own: "reactor-per-message"
     * with a write each, "reactor-batched" with one gathering write per read burst) for {@code proto} ("tcp", "udp") on {@code address}, with {@code threads} event
     * loops where the implementation has them (the reactor, Netty's TCP worker group). {@code proto}
     * "tls" is TCP with TLS ({@link BenchTls}'s certificate), for the reactor and Netty.
     */
    static EchoServer start(String impl, String proto, InetSocketAddress address, int threads) throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, was " + threads);
        }
        if (proto.equals("tls")) { // TCP with TLS: the reactor's and Netty's, the bench's certificate
            if (impl.equals("reactor")) {
                return ReactorEchoServer.tls(address, threads);
            }
            if (impl.equals("reactor-accp")) { // the JDK's engine, its crypto by AWS-LC
                CorrettoCrypto.install();
                return ReactorEchoServer.tls(address, threads);
            }
            if (impl.equals("reactor-openssl")) {
                return ReactorEchoServer.tls(address, threads,
                        TlsProvider.OPENSSL.serverContext(BenchTls.keyManagers()));
            }
            if (impl.startsWith("netty")) {
                boolean openSsl = impl.endsWith("-openssl");
                String transport = impl.replaceFirst("-openssl$", "");
                return NettyEchoServer.tls(address, NettyEchoServer.Transport.parse(
                        transport.equals("netty") ? "nio" : transport.substring("netty-".length())), threads,
                        openSsl ? io.netty.handler.ssl.SslProvider.OPENSSL : io.netty.handler.ssl.SslProvider.JDK);
            }
            throw new IllegalArgumentException("no TLS for " + impl + ": reactor, reactor-accp, reactor-openssl, netty,"
                    + " netty-openssl (and netty-epoll, netty-epoll-openssl...) have it");
        }
        boolean tcp = proto.equals("tcp");
        if (impl.startsWith("netty")) {
            NettyEchoServer.Transport transport = NettyEchoServer.Transport.parse(
                    impl.equals("netty") ? "nio" : impl.substring("netty-".length()));
            return tcp ? NettyEchoServer.tcp(address, transport, threads) : NettyEchoServer.udp(address, transport);
        }
        switch (impl) {
            case "reactor":
                return tcp ? ReactorEchoServer.tcp(address, threads) : ReactorEchoServer.udp(address, threads);
            case "reactor-per-message":
                return tcp ? ReactorEchoServer.tcp(address, threads, PerMessageEcho.IMMEDIATE)
                        : ReactorEchoServer.udp(address, threads);
            case "reactor-batched":
                return tcp ? ReactorEchoServer.tcp(address, threads, PerMessageEcho.BATCHED)
                        : ReactorEchoServer.udp(address, threads, BatchedUdpEcho::new);
            case "blocking":
                return tcp ? BlockingEchoServer.tcp(address, Threads.platform()) : BlockingEchoServer.udp(address, false);
            case "virtual":
                return tcp ? BlockingEchoServer.tcp(address, Threads.virtual()) : BlockingEchoServer.udp(address, true);
            default:
                throw new IllegalArgumentException("unknown implementation: " + impl);
        }
    }
}
