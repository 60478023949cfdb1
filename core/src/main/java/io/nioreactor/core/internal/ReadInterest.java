package io.nioreactor.core.internal;

/**
 * Whether a stream connection's socket is read now, kept in step with its key's OP_READ: by the
 * connection's state, the handler's {@code setAutoRead}, the transport and the send budget. The
 * settings stay in the {@link ConnectionDriver} (no object of their own per connection: an idle
 * connection's memory is counted in bytes); this is the logic over them. Loop thread only, but
 * for {@link #isAutoRead}.
 */
final class ReadInterest {

    private ReadInterest() {
    }

    /**
     * Whether the socket is to be read now: by the state, the handler, the transport and the budget.
     * Draining with its output ended, it reads whatever the handler asked: see {@link DrainWatch}.
     */
    static boolean wanted(ConnectionDriver connection) {
        ConnectionState now = connection.state();
        return now.reads() && (connection.autoRead || now == ConnectionState.HANDSHAKING
                || (connection.draining() && !now.acceptsWrites()))
                && !connection.transport.readSuspended() && !connection.outbound.readsHeldBack();
    }

    /** The key's OP_READ as {@link #wanted} says. */
    static void update(ConnectionDriver connection) {
        if (connection.state() != ConnectionState.CLOSED) {
            connection.endpoint.readInterest(wanted(connection));
        }
    }

    /** Reads what the transport keeps on a task of its own: never inside another callback. */
    static void scheduleResume(ConnectionDriver connection) {
        if (connection.readResume == null) {
            connection.readResume = new ReadResume(connection);
        }
        connection.readResume.schedule();
    }

    /** The handler's {@code setAutoRead}. */
    static void setAutoRead(ConnectionDriver connection, boolean on) {
        connection.autoRead = on;
        update(connection);
        if (on && connection.transport.hasBufferedInput() && wanted(connection)) {
            scheduleResume(connection); // bytes kept while paused go first
        }
    }

    /** Any thread: the setting, and false once the connection is closing. */
    static boolean isAutoRead(ConnectionDriver connection) {
        ConnectionState now = connection.state();
        return connection.autoRead && now != ConnectionState.CLOSING && now != ConnectionState.CLOSED;
    }
}
