package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Opens a group's listeners and UDP endpoints, from any thread.
 *
 * <p><b>One socket per loop.</b> On a TCP/IP or UDP address, where the platform has SO_REUSEPORT,
 * every loop binds a socket of its own to the same address and the kernel spreads connections
 * (or datagrams, by source) over them: nothing is handed from loop to loop. Port 0 binds the
 * first and gives its port to the rest.
 *
 * <p><b>A taken port is refused.</b> Unless sharing was asked for ({@code reusePort}), a probe
 * socket without SO_REUSEPORT binds the address first, on the first loop's thread: if another
 * socket holds it, that bind fails and so does the group's, before any socket of the group is
 * bound. The probe is closed right before the group's first socket binds, in the same task, so
 * another process can take the port only in those microseconds. The limit of the scheme: the
 * group's sockets carry SO_REUSEPORT, so a later process of the same user that sets it too (a
 * daemon started with {@code --share-port}, say) can still join them; one without it cannot.
 * Linux offers no way, short of a BPF program, to close that from Java.
 *
 * <p><b>Hand-off.</b> For Unix domain sockets, where SO_REUSEPORT is missing, or when
 * {@link TcpOptions#listenerPerLoop()} is off, one loop accepts and hands each connection to
 * the next loop of the group.
 */
public final class GroupChannels {

    private static final boolean REUSE_PORT = reusePortSupported();

    private GroupChannels() {
    }

    /**
     * Listens on {@code address} for the group.
     *
     * @param loops          the group's running loops, at least one
     * @param chooser        the group's round robin over its running loops, for hand-offs ({@code null} if none runs)
     * @param address        where to listen
     * @param options        the options; {@code maxConnections} holds for the whole server
     * @param handlerFactory called on the serving loop for each connection's handler
     * @return a future of the group's server
     */
    public static CompletableFuture<TcpServer> listenTcp(List<LoopCore> loops, Supplier<LoopCore> chooser,
            SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        ServerConnections connections = new ServerConnections(options.maxConnections());
        boolean perLoop = loops.size() > 1 && options.listenerPerLoop() && REUSE_PORT
                && address instanceof InetSocketAddress;
        if (!perLoop) {
            return handingOff(loops, chooser, connections, options, (acceptor, handOff) ->
                    TcpListener.open(acceptor, address, options, handlerFactory, connections, handOff, false));
        }
        return bindAll(loops, address, options.reusePort(),
                () -> ServerSocketChannel.open(Addresses.familyOf(address)), "cannot listen on ",
                (loop, at) -> TcpListener.open(loop, at, options, handlerFactory, connections, null, true),
                listeners -> server(listeners, loops, connections, options));
    }

    /**
     * Serves a socket that listens already (the process's inherited one, say): one loop accepts and
     * hands each connection to the next loop of the group.
     *
     * @param loops          the group's running loops, at least one
     * @param chooser        the group's round robin over its running loops
     * @param listening      the bound, listening channel
     * @param options        the options; those of binding are the channel's maker's
     * @param handlerFactory called on the serving loop for each connection's handler
     * @return a future of the group's server
     */
    public static CompletableFuture<TcpServer> serveTcp(List<LoopCore> loops, Supplier<LoopCore> chooser,
            ServerSocketChannel listening, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        ServerConnections connections = new ServerConnections(options.maxConnections());
        return handingOff(loops, chooser, connections, options, (acceptor, handOff) ->
                TcpListener.serve(acceptor, listening, options, handlerFactory, connections, handOff));
    }

    /** A server of one listener, on the first loop, that hands its connections round the group. */
    private static CompletableFuture<TcpServer> handingOff(List<LoopCore> loops, Supplier<LoopCore> chooser,
            ServerConnections connections, TcpOptions options, AcceptorOpener opener) {
        LoopCore acceptor = loops.get(0);
        TcpListener.LoopChooser handOff = loops.size() > 1 ? chooser::get : null;
        return ChannelOpener.onLoop(acceptor, () -> opener.open(acceptor, handOff))
                .thenApply(listener -> server(List.of(listener), loops, connections, options));
    }

    /**
     * Serves a bound UDP socket (the process's inherited one, say) on the group's first loop: one
     * socket, read by one loop.
     *
     * @param loops    the group's running loops, at least one
     * @param bound    the bound channel
     * @param options  the options; those of binding are the channel's maker's
     * @param handlers called once, for the one handler
     * @return a future of the group's endpoint
     */
    public static CompletableFuture<UdpEndpoint> serveUdp(List<LoopCore> loops, DatagramChannel bound,
            UdpOptions options, Supplier<? extends DatagramHandler> handlers) {
        LoopCore only = loops.get(0);
        return ChannelOpener.onLoop(only, () -> UdpBinding.serve(only, bound, options, handlers.get()))
                .thenApply(endpoint -> endpoint(List.of(endpoint), List.of(only), options));
    }

    /**
     * Binds a UDP endpoint on every loop of the group, each with a handler of its own.
     *
     * @param loops    the group's running loops, at least one
     * @param address  where to bind
     * @param options  the options
     * @param handlers called once per loop for that loop's handler
     * @return a future of the group's endpoint
     */
    public static CompletableFuture<UdpEndpoint> bindUdp(List<LoopCore> loops, SocketAddress address,
            UdpOptions options, Supplier<? extends DatagramHandler> handlers) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlers, "handlers");
        if (loops.size() == 1 || !REUSE_PORT) {
            LoopCore only = loops.get(0);
            return ChannelOpener.onLoop(only, () -> UdpBinding.open(only, address, options, handlers.get()))
                    .thenApply(endpoint -> endpoint(List.of(endpoint), List.of(only), options));
        }
        return bindAll(loops, address, options.reusePort(),
                () -> DatagramChannel.open(Addresses.familyOf(address)), "cannot bind ",
                (loop, at) -> UdpBinding.openInGroup(loop, at, options, handlers.get()),
                endpoints -> endpoint(endpoints, loops, options));
    }

    /** The group's server of these listeners, in JMX while it listens. */
    private static TcpServer server(List<TcpListener> listeners, List<LoopCore> loops, ServerConnections connections,
            TcpOptions options) {
        GroupTcpServer server = new GroupTcpServer(listeners, loops, connections);
        server.closedForCallers(ServerMBeans.register(server, options, loops, listeners.size(), server.closedFuture()));
        return server;
    }

    /** The group's endpoint of these sockets, in JMX while it is open. */
    private static UdpEndpoint endpoint(List<UdpChannel> sockets, List<LoopCore> loops, UdpOptions options) {
        GroupUdpEndpoint endpoint = new GroupUdpEndpoint(sockets);
        endpoint.closedForCallers(ServerMBeans.register(endpoint, options, loops, endpoint.closedFuture()));
        return endpoint;
    }

    /**
     * Probes the address (unless sharing was asked for), binds the first loop's socket, then the
     * others on its address; if any fails, closes those that bound and fails with its cause.
     */
    private static <T extends Member, R> CompletableFuture<R> bindAll(List<LoopCore> loops,
            SocketAddress address, boolean shareWithOthers, ProbeOpener probeOpener, String failurePrefix,
            Binder<T> binder, Function<List<T>, R> assemble) {
        LoopCore firstLoop = loops.get(0);
        return ChannelOpener.onLoop(firstLoop, () -> {
            SocketAddress first = shareWithOthers ? address : probe(address, probeOpener, failurePrefix);
            return binder.bind(firstLoop, first);
        }).thenCompose(head -> {
            SocketAddress bound = head.localAddress();
            List<CompletableFuture<T>> rest = new ArrayList<>();
            for (LoopCore loop : loops.subList(1, loops.size())) {
                rest.add(ChannelOpener.onLoop(loop, () -> binder.bind(loop, bound)));
            }
            return CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
                List<T> all = new ArrayList<>();
                all.add(head);
                for (CompletableFuture<T> f : rest) {
                    if (!f.isCompletedExceptionally()) {
                        all.add(f.join());
                    }
                }
                if (failure != null) {
                    all.forEach(Member::close);
                    throw failure instanceof CompletionException ? (CompletionException) failure
                            : new CompletionException(failure);
                }
                return assemble.apply(all);
            });
        });
    }

    /** Binds a probe without SO_REUSEPORT: fails if another socket holds the address; returns its address. */
    private static SocketAddress probe(SocketAddress address, ProbeOpener opener, String failurePrefix)
            throws IOException {
        try (NetworkChannel probe = opener.open()) {
            if (probe instanceof ServerSocketChannel) {
                // Like the listeners: TIME_WAIT leftovers do not block; a live listener does.
                probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            probe.bind(address);
            return probe.getLocalAddress();
        } catch (IOException e) {
            throw Addresses.bindFailure(failurePrefix, address, e);
        }
    }

    private static boolean reusePortSupported() {
        try (ServerSocketChannel channel = ServerSocketChannel.open()) {
            return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    /** What a group binds on each loop: a listener or a UDP endpoint. */
    interface Member {
        SocketAddress localAddress();

        CompletableFuture<Void> close();
    }

    @FunctionalInterface
    private interface Binder<T> {
        T bind(LoopCore loop, SocketAddress address) throws IOException;
    }

    @FunctionalInterface
    private interface AcceptorOpener {
        TcpListener open(LoopCore acceptor, TcpListener.LoopChooser handOff) throws IOException;
    }

    @FunctionalInterface
    private interface ProbeOpener {
        NetworkChannel open() throws IOException;
    }
}
