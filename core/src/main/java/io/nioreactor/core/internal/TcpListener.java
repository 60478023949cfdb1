package io.nioreactor.core.internal;

import io.nioreactor.core.Connection;
import io.nioreactor.core.ConnectionHandler;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TcpServer;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket on the loop. Accepts in bounded batches per readiness; when accept fails
 * (typically EMFILE/ENFILE, out of file descriptors) it stops watching for accepts for a
 * back-off that doubles up to one second, instead of spinning on a level-triggered selector.
 *
 * <p>An accepted connection lives on this loop, or, when the listener was given a
 * {@link LoopChooser} (a group that hands connections off), on the loop the chooser names: the
 * channel is then registered by a task on that loop, so no selector is touched from another
 * thread. The count against {@code maxConnections} may be shared with a group's other listeners.
 */
final class TcpListener implements TcpServer, Selectable, GroupChannels.Member {

    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    /** Accepts per readiness at most, to amortise the select without starving connections. */
    static final int ACCEPT_BATCH = 64;
    static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The most a served socket's queue may hold, whatever backlog it was given: Linux's default
     * net.core.somaxconn (a systemd socket unit's Backlog= defaults to it too).
     */
    private static final int SOMAXCONN = 4096;

    private final LoopCore loop;
    private final ServerSocketChannel channel;
    private final TcpOptions options;
    private final Function<? super Connection, ? extends ConnectionHandler> handlerFactory;
    private final SocketAddress localAddress;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** What {@link #close()} returns: {@link #closed}, or later than it once the JMX name is gone. */
    private CompletableFuture<Void> closedForCallers = closed;
    private final ScheduledTask resumeTimer;
    private final ServerConnections connections;
    private final LoopChooser chooser;
    /** Plain or TLS, for every connection of this listener. */
    private final Transport.Factory transports;
    /**
     * Whether closing the listener closes its socket: not when the socket is the process's standard
     * input (see {@link InheritedChannels}), and so not its file either.
     */
    private final boolean closesSocket;
    /** Whether the listener made its Unix domain socket's file, and so removes it when it closes. */
    private final boolean ownsSocketFile;

    private volatile boolean open = true;
    private SelectionKey key;
    private boolean paused;
    private long backoffNanos = MIN_BACKOFF_NANOS;

    private TcpListener(LoopCore loop, ServerSocketChannel channel, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory, ServerConnections connections,
            LoopChooser chooser, Transport.Factory transports, boolean boundHere) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.options = options;
        this.handlerFactory = handlerFactory;
        this.connections = connections;
        this.chooser = chooser;
        this.localAddress = channel.getLocalAddress();
        this.resumeTimer = loop.timers().newTimer(this::resume);
        this.transports = transports;
        this.closesSocket = boundHere || !InheritedChannels.isStandardInput(channel);
        this.ownsSocketFile = boundHere && localAddress instanceof UnixDomainSocketAddress;
        loop.resources().counters().serving(LoopMetric.Channels.TCP);
        if (options.tls() != null) {
            loop.resources().counters().serving(LoopMetric.Channels.TLS);
        }
    }

    /** Where a hand-off listener puts each accepted connection. Called on the accepting loop. */
    @FunctionalInterface
    interface LoopChooser {
        /** @return the loop for the next connection, or {@code null} if none is running */
        LoopCore next();
    }

    /** Binds and registers; the exception message reads "cannot listen on ADDRESS: reason". */
    static TcpListener open(LoopCore loop, SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) throws IOException {
        return open(loop, address, options, handlerFactory, new ServerConnections(options.maxConnections()), null, false);
    }

    /**
     * Binds and registers a listener of a group's server.
     *
     * @param connections  the server's connections, counted against maxConnections by all its listeners
     * @param chooser      where to put accepted connections, or {@code null} for this loop
     * @param sharedInGroup whether to set SO_REUSEPORT so the group's other listeners can bind too
     */
    static TcpListener open(LoopCore loop, SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory, ServerConnections connections,
            LoopChooser chooser, boolean sharedInGroup) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        Transport.Factory transports = Transports.accepted(options); // checks the TLS side first
        ProtocolFamily family = Addresses.familyOf(address);
        ServerSocketChannel channel = ServerSocketChannel.open(family);
        try {
            SocketSetup.configureListener(channel, options);
            SocketSetup.checkConnectionOptions(family, options);
            if (sharedInGroup) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (family == StandardProtocolFamily.UNIX) {
                UnixSocketFiles.prepareBind((UnixDomainSocketAddress) address);
            }
            channel.bind(address, options.backlog());
            return new TcpListener(loop, channel, options, handlerFactory, connections, chooser, transports, true)
                    .registered("listening on");
        } catch (IOException e) {
            SocketSetup.closeQuietly(channel);
            throw Addresses.bindFailure("cannot listen on ", address, e);
        } catch (RuntimeException e) {
            SocketSetup.closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Serves a socket that listens already (one the process inherited, say), as it is: the
     * options that take effect at bind time (reuseAddress, reusePort, backlog) were its maker's.
     *
     * @param connections the server's connections, shared with a group's other loops
     * @param chooser     where to put accepted connections, or {@code null} for this loop
     */
    static TcpListener serve(LoopCore loop, ServerSocketChannel listening, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory, ServerConnections connections,
            LoopChooser chooser) throws IOException {
        Objects.requireNonNull(listening, "listening");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        SocketAddress bound = listening.getLocalAddress();
        if (bound == null) {
            throw new IllegalArgumentException("the channel to serve is not bound: " + listening);
        }
        Transport.Factory transports = Transports.accepted(options);
        listening.configureBlocking(false);
        SocketSetup.applyExplicit(listening, options.listenerOptions(), "listener");
        SocketSetup.checkConnectionOptions(Addresses.familyOf(bound), options);
        return new TcpListener(loop, listening, options, handlerFactory, connections, chooser, transports, false)
                .registered("serving");
    }

    /** Watches for accepts, from now on. */
    private TcpListener registered(String how) throws IOException {
        key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
        log.debug("{} {}", how, Addresses.describe(localAddress));
        return this;
    }

    @Override
    public void onReady(int readyOps) {
        acceptUpTo(ACCEPT_BATCH);
    }

    /** Accepts and places up to {@code max} connections, fewer if the queue runs dry or accept fails. */
    private void acceptUpTo(int max) {
        for (int i = 0; i < max && open && !paused; i++) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                acceptFailed(e);
                return;
            }
            if (accepted == null) {
                return;
            }
            backoffNanos = MIN_BACKOFF_NANOS;
            if (connections.tryAcquire()) {
                place(accepted);
            } else {
                reject(accepted);
            }
        }
    }

    /**
     * On this loop, or handed to the loop the chooser names; a loop that has ended is skipped.
     * Once this loop shuts down, on this loop: it serves what it takes until the connection ends,
     * where another loop might end before the hand-off reached it.
     */
    private void place(SocketChannel accepted) {
        LoopCore target = chooser == null || loop.isShuttingDown() ? loop : chooser.next();
        if (target == null || target == loop) {
            adopt(loop, accepted);
            return;
        }
        try {
            target.execute(() -> adopt(target, accepted));
            loop.resources().counters().handedOff.increment();
        } catch (RejectedExecutionException e) {
            adopt(loop, accepted); // it ended between the choice and the hand-off
        }
    }

    /**
     * Configures and registers an accepted channel on {@code target} (its thread), makes its
     * handler and opens it.
     */
    private void adopt(LoopCore target, SocketChannel accepted) {
        if (target.isTerminated() || target.shutdownTimedOut()) {
            // It ended (or timed out its shutdown) between the hand-off and this task: back to this
            // listener's loop, if that one still runs and has time.
            if (target == loop || loop.shutdownTimedOut() || !loop.executeUnlessTerminated(() -> adopt(loop, accepted))) {
                connections.release();
                target.resources().counters().rejected.increment();
                SocketSetup.closeQuietly(accepted);
            }
            return;
        }
        ConnectionDriver connection;
        try {
            SocketSetup.configureConnection(accepted, options);
            connection = new ConnectionDriver(target, accepted, options, connections, transports,
                    ConnectionOpening.accepted(handlerFactory));
        } catch (IOException e) {
            connections.release();
            target.resources().counters().connectionErrors.increment();
            log.debug("cannot set up an accepted connection: {}", e.toString());
            SocketSetup.closeQuietly(accepted);
            return;
        }
        target.resources().counters().accepted.increment();
        connection.start(null);
    }

    private void reject(SocketChannel accepted) {
        loop.resources().counters().rejected.increment();
        log.debug("{}: at maxConnections ({}), closing a new connection", this, options.maxConnections());
        SocketSetup.closeQuietly(accepted);
    }

    private void acceptFailed(IOException e) {
        if (!open || e instanceof ClosedChannelException) {
            return;
        }
        String why = Failures.isOutOfFileDescriptors(e) ? "out of file descriptors" : "accept failed";
        pause(why + " (" + e.getMessage() + ")");
    }

    @Override
    public void onUnexpectedFailure(Throwable cause) {
        log.warn("{}: unexpected failure while accepting", this, cause);
        if (open) {
            pause(cause.toString());
        }
    }

    /** Logged once per back-off: at most one line a second while the condition lasts. */
    private void pause(String reason) {
        paused = true;
        loop.resources().counters().acceptPauses.increment();
        key.interestOps(0);
        long pauseMillis = TimeUnit.NANOSECONDS.toMillis(backoffNanos);
        log.warn("{}: {}; pausing accepts for {} ms", this, reason, pauseMillis);
        loop.timers().arm(resumeTimer, System.nanoTime() + backoffNanos);
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }

    private void resume() {
        paused = false;
        if (open) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public CompletableFuture<Void> drain(Duration timeout) {
        return ServerDrain.drain(List.of(this), List.of(loop), connections, timeout);
    }

    @Override
    public int openConnections() {
        return connections.open();
    }

    /** @return completed once the socket is closed, by {@link #close()} or by the loop's end */
    CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** Sets what {@link #close()} returns: completed once closed and, where JMX is on, out of it. */
    void closedForCallers(CompletableFuture<Void> whenClosed) {
        this.closedForCallers = whenClosed;
    }

    @Override
    public CompletableFuture<Void> close() {
        loop.closeOnLoop(this::acceptQueuedThenClose, closed);
        return closedForCallers;
    }

    /**
     * Stops accepting without losing what the kernel has queued: connections whose handshake has
     * completed but that the loop has not accepted yet would be reset by the listener's close, so
     * they are accepted (what a full queue holds at most) and served like the others, then the
     * socket closes in the same task, leaving the smallest window for a connection to arrive
     * unaccepted. The one way a listener stops: by {@link #close()}, a server's drain and the loop's
     * graceful shutdown alike.
     */
    private void acceptQueuedThenClose() {
        if (open) {
            acceptUpTo(Math.max(options.backlog(), SOMAXCONN) + 1); // Linux queues backlog + 1
        }
        closeNow();
    }

    private void closeNow() {
        if (!open) {
            return;
        }
        open = false;
        loop.deregister(key);
        loop.timers().disarm(resumeTimer);
        if (closesSocket) {
            SocketSetup.closeQuietly(channel);
        } else {
            log.debug("{}: standard input, left open (see InheritedChannels)", this);
        }
        if (ownsSocketFile) {
            try {
                UnixSocketFiles.delete((UnixDomainSocketAddress) localAddress);
            } catch (IOException e) {
                log.warn("{}: cannot remove the socket file: {}", this, e.toString());
            }
        }
        log.debug("closed {}", this);
        loop.completeAfterDeregistration(closed); // the socket is closed at the next select
    }

    @Override
    public void beginShutdown() {
        acceptQueuedThenClose();
    }

    @Override
    public void forceClose() {
        closeNow();
    }

    @Override
    public String toString() {
        return "listener " + Addresses.describe(localAddress);
    }

    @Override
    public <T> T option(SocketOption<T> option) throws IOException {
        return channel.getOption(option);
    }
}
