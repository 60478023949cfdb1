package io.nioreactor.core;

import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A bound UDP socket on an {@link EventLoop}. Obtained from {@link EventLoop#bindUdp}.
 *
 * <p>Datagrams are received into the loop's shared 64 KiB buffer, so none is ever truncated,
 * and delivered to the {@link DatagramHandler} in bounded batches per readiness.
 */
public interface UdpEndpoint {

    /**
     * The address this endpoint is bound to (the real port when 0 was asked).
     *
     * <p>Any thread.
     *
     * @return the bound address
     */
    SocketAddress localAddress();

    /**
     * Sends the remaining bytes of {@code data} as one datagram to {@code target}. It goes out
     * at once when the socket takes it; otherwise a copy waits in the endpoint's bounded send
     * queue ({@link UdpOptions#sendQueueDatagrams()}, {@link UdpOptions#sendQueueBytes()}),
     * which also counts toward the loop's {@link LoopOptions#maxQueuedBytes() send budget}. Past
     * either bound, or while the budget is spent, it is dropped and counted: UDP promises no
     * delivery and no queue grows without limit.
     *
     * <p>Any thread. Off the loop the bytes are copied at once (counted toward the send budget
     * until the loop sends or drops the copy) and {@code data} is consumed; {@code true} then
     * means handed to the loop, and a drop there is only counted.
     *
     * @param data   the payload, between position and limit; at most 65,507 bytes over IPv4
     * @param target where to send it
     * @return {@code true} if sent or queued (off the loop: handed to the loop), {@code data}
     *         consumed; {@code false}, leaving {@code data} untouched, if dropped because the
     *         queue is full or the budget spent, the endpoint is closed or the send failed
     */
    boolean send(ByteBuffer data, SocketAddress target);

    /**
     * Closes the socket without losing what has arrived: the datagrams it holds are handed to the
     * handler first (4,096 at most), the send queue goes out as far as the socket takes it now,
     * and the socket closes in the same task; datagrams still queued then are dropped (counted). A
     * socket the process inherited as its standard input is not closed, only no longer watched.
     * The close runs as a task of the loop's, after the callback that asked for it. A loop's
     * graceful shutdown closes its endpoints the same way. Calling it twice is harmless.
     *
     * <p>Any thread.
     *
     * @return a future completed once the socket is closed
     */
    CompletableFuture<Void> close();

    /**
     * Tells whether the endpoint is open.
     *
     * <p>Any thread.
     *
     * @return {@code false} once closed
     */
    boolean isOpen();

    /**
     * The loop that owns this endpoint.
     *
     * <p>Any thread.
     *
     * @return the owning loop
     */
    EventLoop loop();

    /**
     * Reads a socket option of the endpoint's socket (a group's: its first loop's), as the kernel has it now: to check what an option set
     * through the options took (the kernel may round or double a buffer size).
     *
     * <p>Any thread.
     *
     * @param <T>    the option's value type
     * @param option the option
     * @return its value
     * @throws java.io.IOException if the socket is closed or the option cannot be read
     * @throws UnsupportedOperationException if the socket does not support the option
     */
    <T> T option(SocketOption<T> option) throws java.io.IOException;
}
