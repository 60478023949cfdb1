package io.nioreactor.bench;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.UdpEndpoint;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP echo that answers a receive batch at once: each datagram is copied into a buffer of its
 * own during the batch and all are sent at {@link DatagramHandler#onReceiveComplete}. Java has
 * no {@code sendmmsg}, so each reply is still one system call: this measures what batching
 * alone is worth. One per loop; allocates nothing per datagram.
 */
final class BatchedUdpEcho implements DatagramHandler {

    /** More than the loop receives per batch: a full batch is always answered whole. */
    private static final int SLOTS = 64;
    private static final int SLOT_BYTES = 65_536;

    private final ByteBuffer[] replies = new ByteBuffer[SLOTS];
    private final SocketAddress[] targets = new SocketAddress[SLOTS];
    private int count;

    BatchedUdpEcho() {
        for (int i = 0; i < SLOTS; i++) {
            replies[i] = ByteBuffer.allocateDirect(SLOT_BYTES);
        }
    }

    @Override
    public void onDatagram(UdpEndpoint endpoint, ByteBuffer data, SocketAddress sender) {
        if (count == SLOTS) {
            onReceiveComplete(endpoint);
        }
        ByteBuffer reply = replies[count];
        reply.clear();
        reply.put(data).flip();
        targets[count++] = sender;
    }

    @Override
    public void onReceiveComplete(UdpEndpoint endpoint) {
        for (int i = 0; i < count; i++) {
            endpoint.send(replies[i], targets[i]);
            targets[i] = null;
        }
        count = 0;
    }
}
