package io.nioreactor.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The send queue's bounds. Loopback never fills a UDP socket's send buffer (the kernel hands
 * the datagram to the receiver, or drops it, inside the send call), so the queue is exercised
 * here directly rather than through a socket.
 */
class DatagramSendQueueTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 9);

    @Test
    void refusesTheDatagramThatWouldPassTheCountBound() {
        DatagramSendQueue queue = new DatagramSendQueue(2, 1 << 20);

        assertTrue(queue.offer(ByteBuffer.allocate(10), TARGET));
        assertTrue(queue.offer(ByteBuffer.allocate(10), TARGET));
        ByteBuffer third = ByteBuffer.allocate(10);
        assertFalse(queue.offer(third, TARGET));

        assertEquals(2, queue.size());
        assertEquals(10, third.remaining(), "a refused datagram is not consumed");
    }

    @Test
    void refusesTheDatagramThatWouldPassTheByteBound() {
        DatagramSendQueue queue = new DatagramSendQueue(100, 1_000);

        assertTrue(queue.offer(ByteBuffer.allocate(600), TARGET));
        assertFalse(queue.offer(ByteBuffer.allocate(401), TARGET));
        assertTrue(queue.offer(ByteBuffer.allocate(400), TARGET));
        queue.removeFirst();
        assertTrue(queue.offer(ByteBuffer.allocate(600), TARGET), "removing frees its bytes");
    }

    @Test
    void keepsACopyInOrderWithItsTarget() {
        DatagramSendQueue queue = new DatagramSendQueue(10, 1_000);
        ByteBuffer original = ByteBuffer.wrap(new byte[] {1, 2, 3});
        queue.offer(original, TARGET);
        original.clear().put(new byte[] {9, 9, 9});

        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), queue.peekPayload());
        assertEquals(TARGET, queue.peekTarget());
        assertEquals(1, queue.clear());
        assertTrue(queue.isEmpty());
    }
}
