package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import io.nioreactor.core.UdpEndpoint;
import io.nioreactor.core.UdpOptions;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Opens listeners, client connections and UDP endpoints on a loop, from any thread: the work
 * runs as a task on the loop thread and completes the returned future there. Refused once the
 * loop is shutting down.
 */
public final class ChannelOpener {

    private final LoopCore loop;

    /**
     * @param loop the loop the channels will belong to
     */
    public ChannelOpener(LoopCore loop) {
        this.loop = loop;
    }

    /**
     * Binds a TCP or Unix domain stream listener.
     *
     * @param address        where to listen
     * @param options        the options
     * @param handlerFactory makes one handler per accepted connection
     * @return a future of the bound server
     */
    public CompletableFuture<TcpServer> listenTcp(SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        return onLoop(loop, () -> inJmx(TcpListener.open(loop, address, options, handlerFactory), options));
    }

    /**
     * Serves a socket that listens already, such as the one the process inherited.
     *
     * @param listening      the bound, listening channel
     * @param options        the options; those of binding are the channel's maker's
     * @param handlerFactory makes one handler per accepted connection
     * @return a future of the server
     */
    public CompletableFuture<TcpServer> serveTcp(ServerSocketChannel listening, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        return onLoop(loop, () -> inJmx(TcpListener.serve(loop, listening, options, handlerFactory,
                new ServerConnections(options.maxConnections()), null), options));
    }

    /**
     * Serves a bound UDP socket, such as the one the process inherited.
     *
     * @param bound   the bound channel
     * @param options the options; those of binding are the channel's maker's
     * @param handler receives the datagrams
     * @return a future of the endpoint
     */
    public CompletableFuture<UdpEndpoint> serveUdp(DatagramChannel bound, UdpOptions options, DatagramHandler handler) {
        return onLoop(loop, () -> inJmx(UdpBinding.serve(loop, bound, options, handler), options));
    }

    /**
     * Opens a client connection.
     *
     * @param address the peer
     * @param options the options, including the connect timeout
     * @param handler the connection's handler
     * @return a future of the established connection
     */
    public CompletableFuture<Connection> connectTcp(SocketAddress address, TcpOptions options,
            ConnectionHandler handler) {
        CompletableFuture<Connection> future = new CompletableFuture<>();
        onLoop(loop, () -> {
            TcpDialer.dial(loop, address, options, handler, future); // completes it once connected
            return null;
        }).whenComplete((ignored, failure) -> {
            if (failure != null) {
                future.completeExceptionally(failure);
            }
        });
        return future;
    }

    /**
     * Binds a UDP endpoint.
     *
     * @param address where to bind
     * @param options the options
     * @param handler receives the datagrams
     * @return a future of the bound endpoint
     */
    public CompletableFuture<UdpEndpoint> bindUdp(SocketAddress address, UdpOptions options, DatagramHandler handler) {
        return onLoop(loop, () -> inJmx(UdpBinding.open(loop, address, options, handler), options));
    }

    private TcpServer inJmx(TcpListener listener, TcpOptions options) {
        listener.closedForCallers(ServerMBeans.register(listener, options, List.of(loop), 1, listener.closedFuture()));
        return listener;
    }

    private UdpEndpoint inJmx(UdpChannel endpoint, UdpOptions options) {
        endpoint.closedForCallers(ServerMBeans.register(endpoint, options, List.of(loop), endpoint.closedFuture()));
        return endpoint;
    }

    /**
     * Runs {@code action} on {@code loop} unless it is shutting down; its result or any failure
     * (an {@link Error} too) completes the returned future. The one way channels are opened on a
     * loop, for one loop and for a group.
     */
    static <T> CompletableFuture<T> onLoop(LoopCore loop, Callable<T> action) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Runnable task = () -> {
            if (!loop.acceptsNewChannels()) {
                future.completeExceptionally(new RejectedExecutionException("loop " + loop.name() + " is shutting down"));
                return;
            }
            try {
                future.complete(action.call());
            } catch (Throwable t) { // an Error too: the future must complete
                future.completeExceptionally(t);
                Failures.rethrowIfFatal(t);
            }
        };
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(e);
        }
        return future;
    }
}
