package io.nioreactor.tcp;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import java.nio.ByteBuffer;

/**
 * Writes back every byte it reads, with backpressure: while the connection is not writable
 * (its peer does not read fast enough) it stops reading, and resumes in {@link #onWritable}.
 * Memory per connection is thus bounded by the high water mark plus one read.
 *
 * <p>When the peer half-closes, everything it sent has been read; the inherited
 * {@link ConnectionHandler#onInputClosed} closes gracefully, which flushes the rest of the echo
 * before closing our side.
 *
 * <p>Stateless: one instance serves every connection.
 */
public final class EchoHandler implements ConnectionHandler {

    /** The shared instance. */
    public static final EchoHandler INSTANCE = new EchoHandler();

    private EchoHandler() {
    }

    @Override
    public void onRead(Connection connection, ByteBuffer data) {
        connection.write(data);
        if (!connection.isWritable()) {
            connection.setAutoRead(false);
        }
    }

    @Override
    public void onWritable(Connection connection) {
        connection.setAutoRead(true);
    }
}
