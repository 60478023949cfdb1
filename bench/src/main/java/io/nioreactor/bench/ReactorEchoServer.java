package io.nioreactor.bench;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.UdpOptions;
import io.nioreactor.tcp.EchoHandler;
import io.nioreactor.udp.UdpEchoHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** This project's echo handlers on one {@link EventLoop}: exactly what the daemons run. */
final class ReactorEchoServer implements EchoServer {

    private final EventLoop loop;
    private final InetSocketAddress address;

    private ReactorEchoServer(EventLoop loop, InetSocketAddress address) {
        this.loop = loop;
        this.address = address;
    }

    static EchoServer tcp(InetSocketAddress bind) {
        EventLoop loop = EventLoop.start("reactor-echo");
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(bind, TcpOptions.defaults(),
                c -> EchoHandler.INSTANCE).join().localAddress();
        return new ReactorEchoServer(loop, address);
    }

    static EchoServer udp(InetSocketAddress bind) {
        EventLoop loop = EventLoop.start("reactor-echo");
        // The bench talks from ephemeral ports and without a rate limit: the daemon's guards are off.
        InetSocketAddress address = (InetSocketAddress) loop.bindUdp(bind, UdpOptions.defaults(),
                new UdpEchoHandler(true, 0)).join().localAddress();
        return new ReactorEchoServer(loop, address);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        loop.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }
}
