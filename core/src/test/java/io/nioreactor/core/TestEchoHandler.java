package io.nioreactor.core;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Echoes with backpressure and records what the tests inspect. */
class TestEchoHandler implements ConnectionHandler {

    final AtomicLong maxPendingOutbound = new AtomicLong();
    final AtomicBoolean paused = new AtomicBoolean();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    volatile Connection connection;

    @Override
    public void onOpen(Connection c) {
        connection = c;
    }

    @Override
    public void onRead(Connection c, ByteBuffer data) {
        c.write(data);
        maxPendingOutbound.accumulateAndGet(c.pendingOutboundBytes(), Math::max);
        if (!c.isWritable()) {
            paused.set(true);
            c.setAutoRead(false);
        }
    }

    @Override
    public void onWritable(Connection c) {
        c.setAutoRead(true);
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        closed.complete(cause);
    }
}
