package io.nioreactor.bench;

import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TlsOptions;
import io.nioreactor.core.UdpOptions;
import io.nioreactor.tcp.EchoHandler;
import io.nioreactor.udp.UdpEchoHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** This project's echo handlers on an {@link EventLoopGroup}: exactly what the daemons run. */
final class ReactorEchoServer implements EchoServer {

    private final EventLoopGroup loops;
    private final InetSocketAddress address;

    private ReactorEchoServer(EventLoopGroup loops, InetSocketAddress address) {
        this.loops = loops;
        this.address = address;
    }

    static EchoServer tcp(InetSocketAddress bind, int threads) {
        return tcp(bind, threads, EchoHandler.INSTANCE);
    }

    /** With a handler of the bench's own: the per-message echoes. */
    static EchoServer tcp(InetSocketAddress bind, int threads, ConnectionHandler handler) {
        EventLoopGroup loops = EventLoopGroup.start("reactor-echo", threads);
        InetSocketAddress address = (InetSocketAddress) loops.listenTcp(bind, TcpOptions.defaults(),
                c -> handler).join().localAddress();
        return new ReactorEchoServer(loops, address);
    }

    /** The echo over TLS, with the bench's certificate, on the JDK's engine. */
    static EchoServer tls(InetSocketAddress bind, int threads) throws Exception {
        return tls(bind, threads, BenchTls.serverContext());
    }

    /** The echo over TLS, the engines made by {@code context} (the JDK's, or OpenSSL's: {@code TlsProvider.OPENSSL}). */
    static EchoServer tls(InetSocketAddress bind, int threads, javax.net.ssl.SSLContext context) throws Exception {
        EventLoopGroup loops = EventLoopGroup.start("reactor-echo", threads);
        TcpOptions options = TcpOptions.builder().tls(TlsOptions.server(context).build()).build();
        InetSocketAddress address = (InetSocketAddress) loops.listenTcp(bind, options, c -> EchoHandler.INSTANCE)
                .join().localAddress();
        return new ReactorEchoServer(loops, address);
    }

    static EchoServer udp(InetSocketAddress bind, int threads) {
        // The bench talks from ephemeral ports and without a rate limit: the daemon's guards are off.
        return udp(bind, threads, () -> new UdpEchoHandler(true, 0));
    }

    /** With a handler per loop of the bench's own: the batched echo. */
    static EchoServer udp(InetSocketAddress bind, int threads, Supplier<DatagramHandler> handlers) {
        EventLoopGroup loops = EventLoopGroup.start("reactor-echo", threads);
        InetSocketAddress address = (InetSocketAddress) loops.bindUdp(bind, UdpOptions.defaults(), handlers)
                .join().localAddress();
        return new ReactorEchoServer(loops, address);
    }

    /** @return connections accepted by each loop, for the spread over the loops */
    String acceptedPerLoop() {
        StringBuilder spread = new StringBuilder();
        loops.metrics().perLoop().forEach(m -> spread.append(spread.length() == 0 ? "" : ",")
                .append(m.connectionsAccepted() + m.datagramsReceived()));
        return spread.toString();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        loops.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }
}
