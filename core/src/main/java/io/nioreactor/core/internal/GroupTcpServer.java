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

    GroupTcpServer(List<TcpListener> listeners, List<LoopCore> loops, ServerConnections connections) {
        this.listeners = List.copyOf(listeners);
        this.loops = List.copyOf(loops);
        this.connections = connections;
    }

    @Override
    public SocketAddress localAddress() {
        return listeners.get(0).localAddress();
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.allOf(listeners.stream().map(TcpListener::close).toArray(CompletableFuture[]::new));
    }

    /** @return completed once every listening socket is closed */
    CompletableFuture<Void> closedFuture() {
        return CompletableFuture.allOf(listeners.stream().map(TcpListener::closedFuture)
                .toArray(CompletableFuture[]::new));
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
