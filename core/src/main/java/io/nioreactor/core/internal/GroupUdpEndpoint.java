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

    GroupUdpEndpoint(List<UdpChannel> endpoints) {
        this.endpoints = List.copyOf(endpoints);
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
        return CompletableFuture.allOf(endpoints.stream().map(UdpChannel::closedFuture)
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.allOf(endpoints.stream().map(UdpChannel::close).toArray(CompletableFuture[]::new));
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
