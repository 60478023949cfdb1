package io.nioreactor.core.internal;

import java.io.IOException;

/**
 * How a connection reads on one readiness: at most {@value #MAX_READS_PER_EVENT} reads, so one
 * busy peer cannot starve the others; each read handed to the handler; no read once the socket
 * looks drained (a read that did not fill its buffer); {@code onReadComplete} once after the
 * burst, before the end of input; bytes the transport keeps read on a task of their own. One per
 * loop, shared by its connections. Loop thread only.
 *
 * <p>Fair over the iteration too: once the loop has read {@value #ITERATION_READ_BYTES} bytes in
 * one iteration, a connection whose last burst read a whole buffer or more (a peer that floods)
 * is not read on its readiness until the next iteration, while the others (a peer that sends a
 * request and waits) still are. The selector is level-triggered: the deferred socket is ready again at the
 * next select, and epoll hands its ready sockets round, so each flooder has its turn. Without it
 * 1,500 flooders whose echo the kernel still takes cost up to 16 reads and writes of 64 KiB each
 * per iteration, and a well-behaved peer on the same loop waited a second and more for its turn.
 */
final class ReadLoop {

    /** Reads per readiness at most. */
    static final int MAX_READS_PER_EVENT = 16;
    /** Bytes read in one iteration past which flooding peers wait for the next: 16 full reads. */
    static final int ITERATION_READ_BYTES = MAX_READS_PER_EVENT * LoopCore.READ_SIZE;

    private long readThisIteration;

    private final HandlerInvoker invoker;

    ReadLoop(HandlerInvoker invoker) {
        this.invoker = invoker;
    }

    /** On a readiness: reads, unless the iteration has had its fill and this peer floods (see above). */
    void readWhenReady(ConnectionDriver connection) {
        Transport transport = connection.transport;
        if (readThisIteration >= ITERATION_READ_BYTES && connection.lastReadBurst >= LoopCore.READ_SIZE
                && !transport.hasBufferedInput()) {
            return; // still readable: served in a later iteration, after those that wait for an answer
        }
        read(connection);
    }

    /** Reads a burst now (a readiness, or bytes the transport keeps). */
    void read(ConnectionDriver connection) {
        Transport transport = connection.transport;
        boolean delivered = false;
        connection.lastReadBurst = 0;
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT && ReadInterest.wanted(connection); i++) {
                int n = transport.read();
                if (n < 0) {
                    transport.readBurstEnded();
                    readComplete(connection, delivered);
                    connection.endOfInput();
                    return;
                }
                readThisIteration += n;
                connection.lastReadBurst += n;
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
        ReadInterest.update(connection); // a pause by the handler or the budget drops OP_READ rather than spin
        if (transport.hasBufferedInput() && ReadInterest.wanted(connection)) {
            ReadInterest.scheduleResume(connection); // whole records kept by the bound of this burst
        }
    }

    /** A new iteration of the loop: the allowance of many reads per readiness is back. */
    void newIteration() {
        readThisIteration = 0;
    }

    private void readComplete(ConnectionDriver connection, boolean delivered) {
        if (delivered && connection.state().delivers()) {
            connection.handlerDone(invoker.onReadComplete(connection.handler(), connection.connection));
        }
    }
}
