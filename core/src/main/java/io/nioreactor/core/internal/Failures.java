package io.nioreactor.core.internal;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;

/** How the loop classifies what went wrong. */
final class Failures {

    private Failures() {
    }

    /**
     * Errors after which the JVM cannot be trusted to go on: they end the loop. A handler's
     * {@link StackOverflowError} is not one of them: the stack has unwound by the time the loop
     * sees it, so only that connection is closed.
     */
    static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    /** Rethrows {@code t} if it is fatal; returns otherwise. */
    static void rethrowIfFatal(Throwable t) {
        if (isFatal(t)) {
            throw (VirtualMachineError) t;
        }
    }

    /** The peer went away: an everyday event, closed quietly. */
    static boolean isPeerGone(IOException e) {
        if (e instanceof ClosedChannelException || e instanceof PortUnreachableException) {
            return true;
        }
        String message = e.getMessage();
        return message != null && (message.contains("reset")
                || message.contains("Broken pipe")
                || message.contains("aborted")
                || message.contains("refused"));
    }

    /** A connection closes on {@code e}: quietly (DEBUG), with the stack unless the peer simply went away. */
    static void logFailed(org.slf4j.Logger log, Object connection, IOException e) {
        if (isPeerGone(e)) {
            log.debug("{}: peer gone: {}", connection, e.toString());
        } else {
            log.debug("{}: failed", connection, e);
        }
    }

    /** The process or the system is out of file descriptors (EMFILE / ENFILE). */
    static boolean isOutOfFileDescriptors(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("open files");
    }
}
