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
        DatagramSendQueue queue = queue(2, 1 << 20, 1 << 20);

        assertTrue(queue.offer(ByteBuffer.allocate(10), TARGET));
        assertTrue(queue.offer(ByteBuffer.allocate(10), TARGET));
        ByteBuffer third = ByteBuffer.allocate(10);
        assertFalse(queue.offer(third, TARGET));

        assertEquals(2, queue.size());
        assertEquals(10, third.remaining(), "a refused datagram is not consumed");
    }

    @Test
    void refusesTheDatagramThatWouldPassTheByteBound() {
        DatagramSendQueue queue = queue(100, 1_000, 1 << 20);

        assertTrue(queue.offer(ByteBuffer.allocate(600), TARGET));
        assertFalse(queue.offer(ByteBuffer.allocate(401), TARGET));
        assertTrue(queue.offer(ByteBuffer.allocate(400), TARGET));
        queue.removeFirst();
        assertTrue(queue.offer(ByteBuffer.allocate(600), TARGET), "removing frees its bytes");
    }

    @Test
    void keepsACopyInOrderWithItsTarget() {
        DatagramSendQueue queue = queue(10, 1_000, 1 << 20);
        ByteBuffer original = ByteBuffer.wrap(new byte[] {1, 2, 3});
        queue.offer(original, TARGET);
        original.clear().put(new byte[] {9, 9, 9});

        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), queue.peekPayload());
        assertEquals(TARGET, queue.peekTarget());
        assertEquals(1, queue.clear());
        assertTrue(queue.isEmpty());
    }

    @Test
    void refusesWhileTheLoopsSendBudgetIsSpentAndCountsWhatItHolds() {
        SendBudget budget = new SendBudget(64 * 1024);
        DatagramSendQueue queue = new DatagramSendQueue(100, 1 << 20, budget, new Counter());

        assertTrue(queue.offer(ByteBuffer.allocate(50_000), TARGET));
        assertEquals(50_000, budget.queued());
        assertTrue(queue.offer(ByteBuffer.allocate(20_000), TARGET), "the datagram that crosses the budget is taken");
        assertTrue(budget.exhausted());
        assertFalse(queue.offer(ByteBuffer.allocate(1), TARGET), "none once the budget is spent");

        queue.removeFirst();
        assertFalse(budget.exhausted(), "half the budget or less: available again");
        assertEquals(20_000, budget.queued());
        assertEquals(1, queue.clear());
        assertEquals(0, budget.queued());
        assertEquals(70_000, budget.peak());
    }

    private static DatagramSendQueue queue(int maxDatagrams, long maxBytes, long budget) {
        return new DatagramSendQueue(maxDatagrams, maxBytes, new SendBudget(budget), new Counter());
    }
}
