package io.nioreactor.core;

import io.nioreactor.core.internal.ChannelOpener;
import io.nioreactor.core.internal.LoopCore;
import io.nioreactor.core.internal.MetricsMBean;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * One thread, one {@link java.nio.channels.Selector}: the reactor.
 *
 * <p>Every channel, handler callback and timer of a loop runs on its thread, so handlers need
 * no locks. Nothing on that thread may block. Other threads talk to the loop through
 * {@link #execute}, which queues the task and wakes the selector (one wakeup per burst of
 * submissions).
 *
 * <pre>{@code
 * EventLoop loop = EventLoop.start("echo");
 * TcpServer server = loop.listenTcp(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
 *         connection -> new EchoHandler()).join();
 * // ... later
 * loop.shutdownGracefully(Duration.ofSeconds(5)).join();
 * }</pre>
 *
 * <p>Each iteration of the loop selects with a timeout taken from the earliest timer, handles
 * the ready channels, runs the expired timers, then runs a bounded batch of queued tasks so
 * that a flood of tasks cannot starve I/O. An exception from a handler, task or timer closes
 * what it belongs to (or is logged and counted) and never ends the loop; only a
 * {@link VirtualMachineError} other than {@link StackOverflowError} does, and it completes
 * {@link #terminationFuture()} exceptionally.
 */
public final class EventLoop implements Executor {

    private final LoopCore core;
    private final ChannelOpener channels;

    private EventLoop(String name, LoopOptions options) {
        this.core = LoopCore.start(this, name, options);
        this.channels = new ChannelOpener(core);
        if (options.jmx()) {
            core.beforeTermination(MetricsMBean.register("EventLoop", name, core.counters()));
        }
    }

    /**
     * Starts a loop on a new non-daemon thread of that name. The thread runs until
     * {@link #shutdownGracefully} completes.
     *
     * @param name the loop's name, used for its thread and in log lines
     * @return the running loop
     * @throws java.io.UncheckedIOException if no selector can be opened
     */
    public static EventLoop start(String name) {
        return start(name, LoopOptions.defaults());
    }

    /**
     * Starts a loop with the given settings on a new non-daemon thread of that name.
     *
     * @param name    the loop's name, used for its thread and in log lines
     * @param options the loop's settings, for example its send budget
     * @return the running loop
     * @throws java.io.UncheckedIOException if no selector can be opened
     */
    public static EventLoop start(String name, LoopOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        return new EventLoop(name, options);
    }

    /**
     * The loop's name, also its thread's name.
     *
     * <p>Any thread.
     *
     * @return the name
     */
    public String name() {
        return core.name();
    }

    /**
     * Tells whether the caller runs on this loop's thread.
     *
     * <p>Any thread.
     *
     * @return {@code true} on the loop thread
     */
    public boolean inEventLoop() {
        return core.inEventLoop();
    }

    /**
     * Runs {@code task} on the loop thread, after the tasks queued before it. Tasks run in
     * submission order per submitting thread. A task that throws is logged and counted; the
     * loop goes on.
     *
     * <p>Any thread. Tasks are accepted during a graceful shutdown and run before the loop ends.
     *
     * @param task the task
     * @throws RejectedExecutionException once the loop has terminated
     */
    @Override
    public void execute(Runnable task) {
        core.execute(task);
    }

    /**
     * Runs {@code task} on the loop thread once {@code delay} has passed. Timers run in
     * deadline order; timers with the same deadline run in the order they were scheduled.
     *
     * <p>Any thread.
     *
     * @param task  the task
     * @param delay how long to wait, zero or more
     * @return a handle that cancels the task; a cancelled task never runs
     * @throws RejectedExecutionException once the loop has terminated
     */
    public Cancellable schedule(Runnable task, Duration delay) {
        return core.schedule(task, delay);
    }

    /**
     * Runs {@code task} on the loop thread after {@code initialDelay}, then every
     * {@code period}, counted from the first deadline: a late run does not shift the ones after
     * it, and ticks missed while the loop was busy are skipped, not run in a burst. Nothing is
     * allocated per run. A run that throws is counted and logged like any task; the next runs
     * still happen.
     *
     * <p>Any thread.
     *
     * @param task         the task
     * @param initialDelay until the first run, zero or more
     * @param period       between the deadlines of two runs, above zero
     * @return a handle that stops further runs, also when called from inside the task
     * @throws IllegalArgumentException if {@code period} is not above zero
     * @throws RejectedExecutionException once the loop has terminated
     */
    public Cancellable scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
        return core.schedulePeriodic(task, initialDelay, period, true);
    }

    /**
     * Runs {@code task} on the loop thread after {@code initialDelay}, then again {@code delay}
     * after each run has ended. Nothing is allocated per run. A run that throws is counted and
     * logged like any task; the next runs still happen.
     *
     * <p>Any thread.
     *
     * @param task         the task
     * @param initialDelay until the first run, zero or more
     * @param delay        from the end of one run to the start of the next, above zero
     * @return a handle that stops further runs, also when called from inside the task
     * @throws IllegalArgumentException if {@code delay} is not above zero
     * @throws RejectedExecutionException once the loop has terminated
     */
    public Cancellable scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
        return core.schedulePeriodic(task, initialDelay, delay, false);
    }

    /**
     * Listens for TCP connections, or Unix domain stream connections when {@code address} is
     * a {@link java.net.UnixDomainSocketAddress}. Port 0 binds an ephemeral port; read it from
     * {@link TcpServer#localAddress()}. A socket file left behind by an earlier run is replaced
     * only when nothing listens on it; the file is removed when the server closes.
     *
     * <p>Any thread.
     *
     * @param address        where to listen; an IPv4, IPv6 or Unix domain socket address
     * @param options        the options, for example {@link TcpOptions#defaults()}
     * @param handlerFactory called on the loop once per accepted connection for its handler;
     *                       if it throws, that connection is closed
     * @return a future of the listening server; it fails with an {@link java.io.IOException}
     *         whose message reads {@code cannot listen on ADDRESS: REASON} when binding fails,
     *         and with a {@link RejectedExecutionException} once the loop is shutting down
     */
    public CompletableFuture<TcpServer> listenTcp(SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        return channels.listenTcp(address, options, handlerFactory);
    }

    /**
     * Serves a socket that listens already, instead of binding one: typically the one the process
     * was started with as its standard input ({@link System#inheritedChannel()}), by a systemd
     * socket unit ({@code StandardInput=socket}) or inetd, so that the socket outlives the process
     * and a restart refuses no connection. TCP or Unix domain. The channel is used as it is: the
     * options of binding ({@link TcpOptions#reuseAddress()}, {@link TcpOptions#reusePort()},
     * {@link TcpOptions#backlog()}) were its maker's; the others apply. The server closes the
     * channel when it closes, but for the inherited one, which it leaves open: the JDK's close of
     * that one points file descriptors 0, 1 and 2 at {@code /dev/null}, silencing the process's
     * console; the process's exit closes it. Nor does it remove a Unix domain socket's file it did
     * not make.
     *
     * <p>Any thread.
     *
     * @param listening      a bound, listening channel, in either blocking mode
     * @param options        the options
     * @param handlerFactory called on the loop once per accepted connection for its handler
     * @return a future of the server; it fails with an {@link IllegalArgumentException} if the
     *         channel is not bound, and with a {@link RejectedExecutionException} once the loop
     *         is shutting down
     */
    public CompletableFuture<TcpServer> listenTcp(ServerSocketChannel listening, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        return channels.serveTcp(listening, options, handlerFactory);
    }

    /**
     * Opens a TCP connection (or a Unix domain stream connection) to {@code address}. The
     * handler's {@link ConnectionHandler#onOpen} runs before the future completes.
     *
     * <p>Any thread.
     *
     * @param address the peer's address
     * @param options the options; {@link TcpOptions#connectTimeout()} bounds the wait
     * @param handler the connection's handler
     * @return a future of the connection; it fails with a {@link java.net.ConnectException} or
     *         a {@link java.net.SocketTimeoutException} whose message names the address, and
     *         with a {@link RejectedExecutionException} once the loop is shutting down
     */
    public CompletableFuture<Connection> connectTcp(SocketAddress address, TcpOptions options,
            ConnectionHandler handler) {
        return channels.connectTcp(address, options, handler);
    }

    /**
     * Binds a UDP socket. Port 0 binds an ephemeral port; read it from
     * {@link UdpEndpoint#localAddress()}. Binding to {@code ::} receives IPv4 and IPv6
     * (dual stack) where the platform allows it.
     *
     * <p>Any thread.
     *
     * @param address where to bind; an IPv4 or IPv6 socket address
     * @param options the options, for example {@link UdpOptions#defaults()}
     * @param handler receives every datagram, on the loop thread
     * @return a future of the bound endpoint; it fails with an {@link java.io.IOException} whose
     *         message reads {@code cannot bind ADDRESS: REASON} when binding fails, and with a
     *         {@link RejectedExecutionException} once the loop is shutting down
     */
    public CompletableFuture<UdpEndpoint> bindUdp(SocketAddress address, UdpOptions options,
            DatagramHandler handler) {
        return channels.bindUdp(address, options, handler);
    }

    /**
     * Serves a bound UDP socket instead of binding one: typically the one the process was started
     * with as its standard input ({@link System#inheritedChannel()}, a systemd socket unit's
     * {@code ListenDatagram=}). The options of binding were its maker's; the buffer sizes and
     * explicit options apply. As for {@link #listenTcp(ServerSocketChannel,
     * TcpOptions, Function)}, the endpoint closes the channel when it closes, but for the inherited
     * one.
     *
     * <p>Any thread.
     *
     * @param bound   a bound channel, in either blocking mode
     * @param options the options
     * @param handler receives every datagram, on the loop thread
     * @return a future of the endpoint; it fails with an {@link IllegalArgumentException} if the
     *         channel is not bound, and with a {@link RejectedExecutionException} once the loop is
     *         shutting down
     */
    public CompletableFuture<UdpEndpoint> bindUdp(DatagramChannel bound, UdpOptions options,
            DatagramHandler handler) {
        return channels.serveUdp(bound, options, handler);
    }

    /**
     * Shuts the loop down gracefully, losing nothing that has arrived: listeners accept what the
     * kernel has queued for them and close (an inherited socket is only no longer watched); UDP
     * endpoints hand their handlers the datagrams that have arrived and close; every connection is
     * served until it is quiet for its {@link TcpOptions#drainQuietPeriod()} (nothing read or
     * written, nothing queued, no handshake running, reading not paused by its handler), then its
     * output ends (FIN, after what is queued) while it still reads, and it closes once the peer ends
     * its own or stays quiet another period: so a request that has arrived is answered, and no
     * close with unread bytes resets a peer (see {@link TcpServer#drain} for a handler that answers
     * late). After {@code timeout} whatever is left is reset; then the thread ends. Calling it again
     * returns the same future and changes nothing.
     *
     * <p>Any thread.
     *
     * @param timeout how long connections may take to finish
     * @return the {@linkplain #terminationFuture() termination future}
     */
    public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
        return core.shutdownGracefully(timeout);
    }

    /**
     * Tells whether {@link #shutdownGracefully} was called.
     *
     * <p>Any thread.
     *
     * @return {@code true} once shutdown has begun
     */
    public boolean isShuttingDown() {
        return core.isShuttingDown();
    }

    /**
     * A future completed when the loop thread has ended and every channel is closed;
     * completed exceptionally if a fatal error ended the loop.
     *
     * <p>Any thread.
     *
     * @return the termination future
     */
    public CompletableFuture<Void> terminationFuture() {
        return core.terminationFuture();
    }

    /**
     * The loop's counters, readable from any thread.
     *
     * @return the live metrics view
     */
    public LoopMetrics metrics() {
        return core.counters();
    }

    /** The loop's body, for its group. */
    LoopCore core() {
        return core;
    }

    @Override
    public String toString() {
        return "EventLoop[" + core.name() + "]";
    }
}
