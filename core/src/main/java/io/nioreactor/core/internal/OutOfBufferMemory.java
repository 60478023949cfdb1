package io.nioreactor.core.internal;

import java.io.IOException;

/**
 * The JVM had no memory for a buffer the reactor itself asked for (a chunk of the outbound
 * queue, the JDK's temporary copy of a heap write). That is backpressure, not a dying JVM: the
 * connection that needed it is reset, counted in {@code bufferAllocationFailures}, and the loop
 * goes on. The stream cannot go on with a hole in it, hence the reset.
 */
final class OutOfBufferMemory extends IOException {

    private static final long serialVersionUID = 1L;

    OutOfBufferMemory() {
        super("no memory for an outbound buffer (direct memory exhausted)");
    }
}
