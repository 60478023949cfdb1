package io.nioreactor.core;

import java.nio.ByteBuffer;

/**
 * Reacts to the events of one TCP (or Unix domain stream) connection.
 *
 * <p>Only {@link #onRead} is required; the other callbacks have sensible defaults. All
 * callbacks are called on the connection's loop thread, one at a time, never concurrently,
 * so a handler needs no synchronisation for its own state. A callback must not block.
 *
 * <p>An exception thrown from a callback closes this connection only: the cause is passed to
 * {@link #onClose} and logged once at WARN. The loop and other connections are untouched.
 *
 * <pre>{@code
 * final class Echo implements ConnectionHandler {
 *     public void onRead(Connection c, ByteBuffer data) {
 *         c.write(data);
 *         if (!c.isWritable()) c.setAutoRead(false);  // backpressure
 *     }
 *     public void onWritable(Connection c) { c.setAutoRead(true); }
 * }
 * }</pre>
 */
public interface ConnectionHandler {

    /**
     * Called once when the connection is established, before any other callback.
     *
     * @param connection the new connection
     */
    default void onOpen(Connection connection) {
    }

    /**
     * Called with bytes read from the peer.
     *
     * <p>{@code data} is a view of the loop's shared read buffer: it is valid only during this
     * call. Copy what must outlive it. Passing it to {@link Connection#write} is fine: what the
     * socket does not take at once is copied.
     *
     * @param connection the connection the bytes came from
     * @param data       the bytes read, between position and limit
     */
    void onRead(Connection connection, ByteBuffer data);

    /**
     * Called after a burst of reads on one readiness event, once the last {@link #onRead} of the
     * burst has returned (and not when a read failed). The place to answer a pipelined stream of
     * requests at once: replies queued with {@link Connection#writeLater} during the burst leave
     * in one gathering write when this returns.
     *
     * @param connection the connection that was read
     */
    default void onReadComplete(Connection connection) {
    }

    /**
     * Called when the outbound queue has drained down to the low water mark after having been
     * above the high water mark, so {@link Connection#isWritable()} turned true again.
     *
     * @param connection the connection that became writable
     */
    default void onWritable(Connection connection) {
    }

    /**
     * Called when the peer has half-closed: it will send nothing more. Reading stops.
     *
     * <p>The default closes gracefully with {@link Connection#close()}, which first flushes
     * whatever is queued.
     *
     * @param connection the connection whose input ended
     */
    default void onInputClosed(Connection connection) {
        connection.close();
    }

    /**
     * Called when the connection has neither read nor written for the configured idle timeout
     * ({@link TcpOptions#idleTimeout()}).
     *
     * <p>The default closes gracefully with {@link Connection#close()}. A handler that
     * neither closes nor writes will be called again after another idle period.
     *
     * @param connection the idle connection
     */
    default void onIdle(Connection connection) {
        connection.close();
    }

    /**
     * Called once when the connection is closed, for whatever reason. No callback follows.
     *
     * @param connection the closed connection
     * @param cause      {@code null} for an orderly close; otherwise the I/O error or the
     *                   handler exception that closed it
     */
    default void onClose(Connection connection, Throwable cause) {
    }
}
