package io.nioreactor.core.internal;

import java.io.IOException;

/**
 * How a connection reads on one readiness: at most {@value #MAX_READS_PER_EVENT} reads, so one
 * busy peer cannot starve the others; each read handed to the handler; no read once the socket
 * looks drained (a read that did not fill its buffer); {@code onReadComplete} once after the
 * burst, before the end of input; bytes the transport keeps read on a task of their own. One per
 * loop, shared by its connections. Loop thread only.
 */
final class ReadLoop {

    /** Reads per readiness at most. */
    static final int MAX_READS_PER_EVENT = 16;

    private final HandlerInvoker invoker;

    ReadLoop(HandlerInvoker invoker) {
        this.invoker = invoker;
    }

    void read(ConnectionDriver connection) {
        Transport transport = connection.transport;
        boolean delivered = false;
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT && connection.wantsToRead(); i++) {
                int n = transport.read();
                if (n < 0) {
                    transport.readBurstEnded();
                    readComplete(connection, delivered);
                    connection.endOfInput();
                    return;
                }
                if (n > 0 && connection.state().delivers()) { // TLS: after close(), nothing more is handed over
                    delivered = true;
                    if (!connection.handlerDone(invoker.onRead(connection.handler(), connection.connection,
                            transport.inbound()))) {
                        return;
                    }
                }
                if (n == 0 || !transport.moreToRead()) {
                    break;
                }
            }
        } catch (IOException e) {
            connection.failed(e);
            return;
        }
        transport.readBurstEnded();
        readComplete(connection, delivered);
        connection.updateReadInterest(); // a pause by the handler or the budget drops OP_READ rather than spin
        if (transport.hasBufferedInput() && connection.wantsToRead()) {
            connection.scheduleReadResume(); // whole records kept by the bound of this burst
        }
    }

    private void readComplete(ConnectionDriver connection, boolean delivered) {
        if (delivered && connection.state().delivers()) {
            connection.handlerDone(invoker.onReadComplete(connection.handler(), connection.connection));
        }
    }
}
