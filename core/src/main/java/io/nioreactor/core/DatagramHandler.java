package io.nioreactor.core;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Reacts to the datagrams received by a {@link UdpEndpoint}.
 *
 * <p>Called on the endpoint's loop thread only, one datagram at a time. An exception thrown
 * here is counted ({@link LoopMetrics#handlerFailures()}) and logged at most once a second;
 * the endpoint stays open and the next datagram is delivered as usual.
 */
@FunctionalInterface
public interface DatagramHandler {

    /**
     * Called for each datagram received, the empty one included.
     *
     * @param endpoint the endpoint that received it; {@link UdpEndpoint#send} answers
     * @param data     the payload, between position and limit; a view of the loop's shared
     *                 receive buffer, valid only during this call
     * @param sender   the source address
     */
    void onDatagram(UdpEndpoint endpoint, ByteBuffer data, SocketAddress sender);

    /**
     * Called after a batch of receives on one readiness event, once the last
     * {@link #onDatagram} of the batch has returned: the place to send replies gathered during
     * the batch. Not called for a batch that received nothing.
     *
     * @param endpoint the endpoint that received the batch
     */
    default void onReceiveComplete(UdpEndpoint endpoint) {
    }
}
