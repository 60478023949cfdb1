package io.nioreactor.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The peer baseline: Netty 4.2 with the transport a user picks (NIO, native epoll or io_uring)
 * and N worker threads, the same water marks and the same backpressure rule as this project's
 * echo handler. UDP is one channel on one thread, as Netty serves a datagram socket.
 */
final class NettyEchoServer implements EchoServer {

    private final EventLoopGroup group;
    private final Channel channel;

    private NettyEchoServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** A Netty transport: its I/O handler and channel classes. */
    enum Transport {
        NIO, EPOLL, IO_URING;

        static Transport parse(String name) {
            switch (name) {
                case "nio":
                    return NIO;
                case "epoll":
                    return EPOLL;
                case "io_uring":
                case "iouring":
                    return IO_URING;
                default:
                    throw new IllegalArgumentException("unknown Netty transport: " + name + " (nio, epoll or io_uring)");
            }
        }

        /** @throws IllegalStateException naming Netty's reason when the native transport cannot load here */
        void ensureAvailable() {
            if (this == EPOLL && !Epoll.isAvailable()) {
                throw new IllegalStateException("Netty epoll is not available here: " + Epoll.unavailabilityCause());
            }
            if (this == IO_URING && !IoUring.isAvailable()) {
                throw new IllegalStateException("Netty io_uring is not available here: " + IoUring.unavailabilityCause());
            }
        }

        IoHandlerFactory ioHandler() {
            switch (this) {
                case EPOLL:
                    return EpollIoHandler.newFactory();
                case IO_URING:
                    return IoUringIoHandler.newFactory();
                default:
                    return NioIoHandler.newFactory();
            }
        }

        Class<? extends ServerChannel> serverChannel() {
            switch (this) {
                case EPOLL:
                    return EpollServerSocketChannel.class;
                case IO_URING:
                    return IoUringServerSocketChannel.class;
                default:
                    return NioServerSocketChannel.class;
            }
        }

        Class<? extends Channel> datagramChannel() {
            switch (this) {
                case EPOLL:
                    return EpollDatagramChannel.class;
                case IO_URING:
                    return IoUringDatagramChannel.class;
                default:
                    return NioDatagramChannel.class;
            }
        }
    }

    static EchoServer tcp(InetSocketAddress bind, Transport transport, int threads) throws InterruptedException {
        return serve(bind, transport, threads, TcpEcho.INSTANCE);
    }

    /**
     * The echo behind Netty's SslHandler, on the JDK's own SSLEngine (as the reactor's TLS) or on
     * OpenSSL's (BoringSSL, {@code netty-tcnative-boringssl-static}: what Netty users run in production).
     */
    static EchoServer tls(InetSocketAddress bind, Transport transport, int threads, SslProvider provider)
            throws Exception {
        if (provider == SslProvider.OPENSSL) {
            io.netty.handler.ssl.OpenSsl.ensureAvailability(); // Netty's reason, at once, not at the first handshake
        }
        SslContext tls = SslContextBuilder.forServer(BenchTls.keyManagers()).sslProvider(provider)
                .protocols("TLSv1.3", "TLSv1.2").build();
        return serve(bind, transport, threads, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel child) {
                child.pipeline().addLast(tls.newHandler(child.alloc()), TcpEcho.INSTANCE);
            }
        });
    }

    private static EchoServer serve(InetSocketAddress bind, Transport transport, int threads, ChannelHandler child)
            throws InterruptedException {
        transport.ensureAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, transport.ioHandler());
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(child)
                .bind(bind).sync().channel();
        return new NettyEchoServer(group, channel);
    }

    static EchoServer udp(InetSocketAddress bind, Transport transport) throws InterruptedException {
        transport.ensureAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandler());
        Channel channel = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .handler(new UdpEcho())
                .bind(bind).sync().channel();
        return new NettyEchoServer(group, channel);
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Echo with backpressure: reading follows writability, and only
     * {@code channelWritabilityChanged} turns it off or on. (Turning it off in channelRead after
     * a flush can miss the flip back to writable that the flush itself fired, and stall.)
     */
    @ChannelHandler.Sharable
    static final class TcpEcho extends ChannelInboundHandlerAdapter {
        static final TcpEcho INSTANCE = new TcpEcho();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            boolean writable = ctx.channel().isWritable();
            ctx.channel().config().setAutoRead(writable);
            if (!writable) {
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Sends each datagram back to its sender. */
    static final class UdpEcho extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
