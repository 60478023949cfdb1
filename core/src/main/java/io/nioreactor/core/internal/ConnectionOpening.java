package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What a connection needs until it opens, and no longer: the factory of an accepted
 * connection's handler, or a dialed connection's handler and the dialer's future. For TLS the
 * connection opens once its handshake has completed, so a handshake that fails never makes a
 * handler. Loop thread only.
 */
final class ConnectionOpening {

    private final Function<? super Connection, ? extends ConnectionHandler> factory;
    private final ConnectionHandler handler;
    private final CompletableFuture<Connection> dialed;

    private ConnectionOpening(Function<? super Connection, ? extends ConnectionHandler> factory,
            ConnectionHandler handler, CompletableFuture<Connection> dialed) {
        this.factory = factory;
        this.handler = handler;
        this.dialed = dialed;
    }

    /** An accepted connection: {@code factory} makes its handler when it opens. */
    static ConnectionOpening accepted(Function<? super Connection, ? extends ConnectionHandler> factory) {
        return new ConnectionOpening(factory, null, null);
    }

    /** A dialed connection: {@code dialed} completes with it once it opens, or fails if it closes first. */
    static ConnectionOpening dialed(ConnectionHandler handler, CompletableFuture<Connection> dialed) {
        return new ConnectionOpening(null, handler, dialed);
    }

    /** @return the handler of the opening connection; what the factory throws, or its {@code null}, escapes */
    ConnectionHandler handler(Connection connection) {
        if (factory == null) {
            return handler;
        }
        return Objects.requireNonNull(factory.apply(connection), "the handler factory returned null");
    }

    /** The connection has opened (its handler has had onOpen). */
    void opened(Connection connection) {
        if (dialed != null) {
            dialed.complete(connection);
        }
    }

    /** The connection closed before it opened. */
    void failed(Throwable failure) {
        if (dialed != null) {
            dialed.completeExceptionally(failure);
        }
    }
}
