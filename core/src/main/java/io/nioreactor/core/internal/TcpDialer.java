package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.TcpOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * A client connect in progress: the key's attachment until the connection is established,
 * then hands the key to a {@link ConnectionDriver}. A timer fails it after the connect timeout.
 */
final class TcpDialer implements Selectable {

    private final LoopCore loop;
    private final SocketChannel channel;
    private final SocketAddress address;
    private final TcpOptions options;
    private final ConnectionHandler handler;
    private final CompletableFuture<Connection> future;
    private final ScheduledTask timeout;
    private final Transport.Factory transports;
    private SelectionKey key;
    private boolean done;

    private TcpDialer(LoopCore loop, SocketChannel channel, SocketAddress address, TcpOptions options,
            ConnectionHandler handler, CompletableFuture<Connection> future, Transport.Factory transports) {
        this.loop = loop;
        this.transports = transports;
        this.channel = channel;
        this.address = address;
        this.options = options;
        this.handler = handler;
        this.future = future;
        this.timeout = loop.timers().newTimer(this::onTimeout);
    }

    static void dial(LoopCore loop, SocketAddress address, TcpOptions options, ConnectionHandler handler,
            CompletableFuture<Connection> future) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        Transport.Factory transports = Transports.dialed(options, address); // checks the TLS side first
        SocketChannel channel = SocketChannel.open(Addresses.familyOf(address));
        TcpDialer dialer = new TcpDialer(loop, channel, address, options, handler, future, transports);
        boolean connected;
        try {
            SocketSetup.configureConnection(channel, options);
            connected = channel.connect(address);
            dialer.key = loop.register(channel, connected ? 0 : SelectionKey.OP_CONNECT, dialer);
        } catch (IOException e) {
            SocketSetup.closeQuietly(channel);
            throw dialer.connectFailure(e);
        }
        if (connected) {
            dialer.established();
        } else {
            loop.timers().arm(dialer.timeout, System.nanoTime() + options.connectTimeout().toNanos());
        }
    }

    @Override
    public void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) == 0 || done) {
            return;
        }
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            fail(connectFailure(e));
            return;
        }
        key.interestOps(0);
        established();
    }

    private void established() {
        done = true;
        loop.timers().disarm(timeout);
        ConnectionDriver connection;
        try {
            connection = new ConnectionDriver(loop, channel, options, null, transports,
                    ConnectionOpening.dialed(handler, future));
        } catch (IOException e) {
            done = false;
            fail(connectFailure(e));
            return;
        } catch (RuntimeException e) { // the TLS engine refused the settings: the dial fails, nothing is left open
            done = false;
            fail(new SSLException("cannot start TLS with " + Addresses.describe(address) + ": " + e.getMessage(), e));
            return;
        }
        loop.resources().counters().connected.increment();
        connection.start(key); // completes the future once open: for TLS, after the handshake
    }

    private void onTimeout() {
        fail(new SocketTimeoutException("connect to " + Addresses.describe(address)
                + " timed out after " + Durations.describe(options.connectTimeout())));
    }

    private IOException connectFailure(IOException e) {
        String message = "connect to " + Addresses.describe(address) + " failed: " + e.getMessage();
        IOException failure = e instanceof ConnectException ? new ConnectException(message) : new IOException(message);
        failure.initCause(e);
        return failure;
    }

    private void fail(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        loop.timers().disarm(timeout);
        if (key != null) {
            loop.deregister(key);
        }
        SocketSetup.closeQuietly(channel);
        future.completeExceptionally(cause);
    }

    @Override
    public void onUnexpectedFailure(Throwable cause) {
        fail(cause);
    }

    @Override
    public void beginShutdown() {
        fail(new RejectedExecutionException("loop " + loop.name() + " is shutting down"));
    }

    @Override
    public void forceClose() {
        beginShutdown();
    }
}
