package io.nioreactor.core.internal;

import io.nioreactor.core.TcpServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A group's TCP server: one listener per loop (sharded with SO_REUSEPORT) or one acceptor that
 * hands connections off. One address, one close for all, counts over all. Any thread.
 */
final class GroupTcpServer implements TcpServer {

    private final List<TcpListener> listeners;
    /** Every loop its connections may live on. */
    private final List<LoopCore> loops;
    private final ServerConnections connections;
    /** Completed once every listening socket is closed. */
    private final CompletableFuture<Void> closed;
    /** What {@link #close()} returns: {@link #closed}, or later than it once the JMX name is gone. */
    private CompletableFuture<Void> closedForCallers;

    GroupTcpServer(List<TcpListener> listeners, List<LoopCore> loops, ServerConnections connections) {
        this.listeners = List.copyOf(listeners);
        this.loops = List.copyOf(loops);
        this.connections = connections;
        this.closed = CompletableFuture.allOf(listeners.stream().map(TcpListener::closedFuture)
                .toArray(CompletableFuture[]::new));
        this.closedForCallers = closed;
    }

    @Override
    public SocketAddress localAddress() {
        return listeners.get(0).localAddress();
    }

    @Override
    public CompletableFuture<Void> close() {
        listeners.forEach(TcpListener::close);
        return closedForCallers;
    }

    /** @return completed once every listening socket is closed */
    CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** Sets what {@link #close()} returns: completed once closed and, where JMX is on, out of it. */
    void closedForCallers(CompletableFuture<Void> whenClosed) {
        this.closedForCallers = whenClosed;
    }

    @Override
    public CompletableFuture<Void> drain(Duration timeout) {
        return ServerDrain.drain(listeners, loops, connections, timeout);
    }

    @Override
    public boolean isOpen() {
        return listeners.stream().anyMatch(TcpListener::isOpen);
    }

    @Override
    public int openConnections() {
        return connections.open();
    }

    @Override
    public String toString() {
        return "group server " + Addresses.describe(localAddress()) + " (" + listeners.size() + " listeners)";
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return listeners.get(0).option(option);
    }
}
