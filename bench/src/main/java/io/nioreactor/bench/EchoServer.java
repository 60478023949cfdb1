package io.nioreactor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A running echo server under test; closing it stops it. */
interface EchoServer extends AutoCloseable {

    /** @return the address it is bound to */
    InetSocketAddress address();

    @Override
    void close() throws IOException;

    /**
     * Starts {@code impl} ("reactor", "netty", "blocking", "virtual") for {@code proto}
     * ("tcp", "udp") on {@code address}.
     */
    static EchoServer start(String impl, String proto, InetSocketAddress address) throws Exception {
        boolean tcp = proto.equals("tcp");
        switch (impl) {
            case "reactor":
                return tcp ? ReactorEchoServer.tcp(address) : ReactorEchoServer.udp(address);
            case "netty":
                return tcp ? NettyEchoServer.tcp(address) : NettyEchoServer.udp(address);
            case "blocking":
                return tcp ? BlockingEchoServer.tcp(address, Threads.platform()) : BlockingEchoServer.udp(address, false);
            case "virtual":
                return tcp ? BlockingEchoServer.tcp(address, Threads.virtual()) : BlockingEchoServer.udp(address, true);
            default:
                throw new IllegalArgumentException("unknown implementation: " + impl);
        }
    }
}
