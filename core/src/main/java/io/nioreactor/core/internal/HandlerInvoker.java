package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a connection's handler, one guarded call per callback: what a callback throws is
 * counted ({@code handlerFailures}), logged at WARN at most once a second with the count held
 * back, and handed to the caller, which closes that connection with it as the cause. A fatal
 * JVM error is rethrown (it ends the loop). One per loop, shared by its connections. Loop thread only.
 */
final class HandlerInvoker {

    private static final Logger log = LoggerFactory.getLogger(HandlerInvoker.class);

    private final LoopCounters counters;
    private final LogThrottle throttle;

    HandlerInvoker(LoopCounters counters, LogThrottle throttle) {
        this.counters = counters;
        this.throttle = throttle;
    }

    /** @return {@code null}, or what {@code onOpen} threw */
    Throwable onOpen(ConnectionHandler handler, Connection connection) {
        try {
            handler.onOpen(connection);
            return null;
        } catch (Throwable t) {
            return failed("onOpen", connection, t);
        }
    }

    /** @return {@code null}, or what {@code onRead} threw */
    Throwable onRead(ConnectionHandler handler, Connection connection, ByteBuffer data) {
        try {
            handler.onRead(connection, data);
            return null;
        } catch (Throwable t) {
            return failed("onRead", connection, t);
        }
    }

    /** @return {@code null}, or what {@code onReadComplete} threw */
    Throwable onReadComplete(ConnectionHandler handler, Connection connection) {
        try {
            handler.onReadComplete(connection);
            return null;
        } catch (Throwable t) {
            return failed("onReadComplete", connection, t);
        }
    }

    /** @return {@code null}, or what {@code onWritable} threw */
    Throwable onWritable(ConnectionHandler handler, Connection connection) {
        try {
            handler.onWritable(connection);
            return null;
        } catch (Throwable t) {
            return failed("onWritable", connection, t);
        }
    }

    /** @return {@code null}, or what {@code onInputClosed} threw */
    Throwable onInputClosed(ConnectionHandler handler, Connection connection) {
        try {
            handler.onInputClosed(connection);
            return null;
        } catch (Throwable t) {
            return failed("onInputClosed", connection, t);
        }
    }

    /** @return {@code null}, or what {@code onIdle} threw */
    Throwable onIdle(ConnectionHandler handler, Connection connection) {
        try {
            handler.onIdle(connection);
            return null;
        } catch (Throwable t) {
            return failed("onIdle", connection, t);
        }
    }

    /** The last callback: what it throws is counted and logged; there is nothing left to close. */
    void onClose(ConnectionHandler handler, Connection connection, Throwable cause) {
        try {
            handler.onClose(connection, cause);
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            counters.handlerFailures.increment();
            if (throttle.allow()) {
                log.warn("{}: onClose failed ({} more not logged)", connection, throttle.suppressed(), t);
            }
        }
    }

    /** The handler factory threw (or gave {@code null}) for {@code connection}: counted and logged like a callback. */
    Throwable factoryFailed(Connection connection, Throwable t) {
        return failed("the handler factory", connection, t);
    }

    /** Something unexpected escaped a connection's readiness handling: logged like a handler failure. */
    Throwable unexpected(Connection connection, Throwable cause) {
        if (throttle.allow()) {
            log.warn("{}: unexpected failure, closing the connection ({} more not logged)", connection,
                    throttle.suppressed(), cause);
        }
        return cause;
    }

    private Throwable failed(String callback, Connection connection, Throwable t) {
        Failures.rethrowIfFatal(t);
        counters.handlerFailures.increment();
        if (throttle.allow()) {
            log.warn("{}: handler failed, closing the connection (in {}; {} more not logged)", connection, callback,
                    throttle.suppressed(), t);
        }
        return t;
    }
}
