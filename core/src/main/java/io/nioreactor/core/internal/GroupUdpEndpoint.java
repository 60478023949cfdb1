package io.nioreactor.core.internal;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.UdpEndpoint;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group's UDP endpoint: one socket per loop on the same address (SO_REUSEPORT), seen as one
 * for sending and closing. A send from one of the group's loops goes out through that loop's
 * own socket, at once; from elsewhere through the sockets in turn. Any thread.
 */
final class GroupUdpEndpoint implements UdpEndpoint {

    private final List<UdpChannel> endpoints;
    private final AtomicInteger next = new AtomicInteger();

    /** Completed once every socket is closed. */
    private final CompletableFuture<Void> closed;
    /** What {@link #close()} returns: {@link #closed}, or later than it once the JMX name is gone. */
    private CompletableFuture<Void> closedForCallers;

    GroupUdpEndpoint(List<UdpChannel> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        this.closed = CompletableFuture.allOf(endpoints.stream().map(UdpChannel::closedFuture)
                .toArray(CompletableFuture[]::new));
        this.closedForCallers = closed;
    }

    @Override
    public SocketAddress localAddress() {
        return endpoints.get(0).localAddress();
    }

    @Override
    public boolean send(ByteBuffer data, SocketAddress target) {
        for (UdpChannel endpoint : endpoints) {
            if (endpoint.inItsLoop()) {
                return endpoint.send(data, target);
            }
        }
        for (int i = 0; i < endpoints.size(); i++) {
            UdpChannel endpoint = endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size()));
            if (endpoint.isOpen()) {
                return endpoint.send(data, target);
            }
        }
        return false;
    }

    @Override
    public boolean isOpen() {
        return endpoints.stream().anyMatch(UdpChannel::isOpen);
    }

    /** @return the loop of the group's first socket */
    @Override
    public EventLoop loop() {
        return endpoints.get(0).loop();
    }

    /** @return completed once every socket is closed */
    CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** Sets what {@link #close()} returns: completed once closed and, where JMX is on, out of it. */
    void closedForCallers(CompletableFuture<Void> whenClosed) {
        this.closedForCallers = whenClosed;
    }

    @Override
    public CompletableFuture<Void> close() {
        endpoints.forEach(UdpChannel::close);
        return closedForCallers;
    }

    @Override
    public String toString() {
        return "group udp " + Addresses.describe(localAddress()) + " (" + endpoints.size() + " sockets)";
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return endpoints.get(0).option(option);
    }
}
