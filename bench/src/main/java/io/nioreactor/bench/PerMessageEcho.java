package io.nioreactor.bench;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import java.nio.ByteBuffer;

/**
 * An echo shaped like a request/response server: every {@value #MESSAGE_BYTES} bytes read are
 * answered on their own, either at once ({@link Connection#write}) or deferred to the end of
 * the read burst ({@link Connection#writeLater}, one gathering write per burst). The bench's
 * messages are 64 bytes by default, so each reply answers one message. Allocates nothing.
 */
final class PerMessageEcho implements ConnectionHandler {

    static final int MESSAGE_BYTES = 64;

    static final PerMessageEcho IMMEDIATE = new PerMessageEcho(false);
    static final PerMessageEcho BATCHED = new PerMessageEcho(true);

    private final boolean batched;

    private PerMessageEcho(boolean batched) {
        this.batched = batched;
    }

    @Override
    public void onRead(Connection connection, ByteBuffer data) {
        int end = data.limit();
        while (data.position() < end) {
            data.limit(Math.min(end, data.position() + MESSAGE_BYTES));
            boolean taken = batched ? connection.writeLater(data) : connection.write(data);
            data.limit(end);
            if (!taken) {
                return; // closed or closing: the rest has nowhere to go
            }
        }
        if (!connection.isWritable()) {
            connection.setAutoRead(false);
        }
    }

    @Override
    public void onWritable(Connection connection) {
        connection.setAutoRead(true);
    }
}
