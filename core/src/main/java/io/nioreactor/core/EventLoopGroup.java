package io.nioreactor.core;

import io.nioreactor.core.internal.GroupChannels;
import io.nioreactor.core.internal.LoopCore;
import io.nioreactor.core.internal.MetricsMBean;
import io.nioreactor.core.internal.SummedLoopMetrics;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * N {@link EventLoop}s that serve together: one thread and one selector each, typically one per
 * core. Every connection is pinned to one loop for its whole life and every callback of it runs
 * there, so handlers still need no locks.
 *
 * <pre>{@code
 * EventLoopGroup group = EventLoopGroup.start("echo", Runtime.getRuntime().availableProcessors());
 * TcpServer server = group.listenTcp(new InetSocketAddress("127.0.0.1", 7007), TcpOptions.defaults(),
 *         connection -> new EchoHandler()).join();
 * // ... later
 * group.shutdownGracefully(Duration.ofSeconds(5)).join();
 * }</pre>
 *
 * <p>{@link #listenTcp} on a TCP/IP address listens on every loop with a socket of its own
 * (SO_REUSEPORT among the group's sockets), so the kernel spreads connections without a hand-off;
 * for a Unix domain socket, or with {@link TcpOptions#listenerPerLoop()} off, one loop accepts
 * and hands each connection to the next. {@link #bindUdp} binds one socket per loop the same way,
 * each with a handler of its own. A port another process holds is refused, as for one loop.
 *
 * <p>A loop that is shutting down or ended (a fatal error) is skipped by {@link #next()} and by a
 * hand-off listener; the others go on. A hand-off listener lives on the first loop: if that one ends, the server
 * stops accepting (its socket is closed), while one listener per loop loses only that loop's
 * share.
 */
public final class EventLoopGroup {

    private final String name;
    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final GroupMetrics metrics;
    /** Run when every loop has ended, before the termination future completes. */
    private final Runnable beforeTermination;

    private EventLoopGroup(String name, List<EventLoop> loops, boolean jmx) {
        this.name = name;
        this.loops = List.copyOf(loops);
        List<LoopMetrics> each = new ArrayList<>();
        for (EventLoop loop : loops) {
            each.add(loop.metrics());
        }
        this.metrics = new SummedLoopMetrics(each);
        // Registered before the ends of the loops are watched: if they have all ended already, it leaves at once.
        this.beforeTermination = jmx ? MetricsMBean.register("EventLoopGroup", name, metrics) : () -> { };
        completeWhenAllEnd();
    }

    /**
     * Starts {@code loops} loops with the default settings, on threads named
     * {@code name-0}, {@code name-1}, ...
     *
     * @param name  the group's name, the prefix of its threads' names
     * @param loops how many loops, at least 1
     * @return the running group
     * @throws IllegalArgumentException if {@code loops} is below 1
     */
    public static EventLoopGroup start(String name, int loops) {
        return start(name, loops, LoopOptions.defaults());
    }

    /**
     * Starts {@code loops} loops with the given settings, on threads named {@code name-0},
     * {@code name-1}, ... The send budget {@link LoopOptions#maxQueuedBytes()} is for the whole
     * group: each loop gets an even share of it (at least 64 KiB), so the default stays a
     * quarter of the direct-memory limit however many loops there are. The shares are fixed: a
     * loop whose connections hold more is paused at its share while another has room.
     *
     * @param name    the group's name, the prefix of its threads' names
     * @param loops   how many loops, at least 1
     * @param options the settings; the send budget is split over the loops
     * @return the running group
     * @throws IllegalArgumentException if {@code loops} is below 1
     */
    public static EventLoopGroup start(String name, int loops, LoopOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be at least 1, was " + loops);
        }
        LoopOptions perLoop = options.toBuilder()
                .maxQueuedBytes(Math.max(64 * 1024, options.maxQueuedBytes() / loops)).build();
        List<EventLoop> started = new ArrayList<>();
        try {
            for (int i = 0; i < loops; i++) {
                started.add(EventLoop.start(name + "-" + i, perLoop));
            }
        } catch (RuntimeException | Error e) { // a thread that cannot start, say: the loops started end too
            started.forEach(loop -> loop.shutdownGracefully(Duration.ZERO));
            throw e;
        }
        return new EventLoopGroup(name, started, options.jmx());
    }

    /**
     * The group's loops, in the order of their threads' names.
     *
     * <p>Any thread.
     *
     * @return an unmodifiable list
     */
    public List<EventLoop> loops() {
        return loops;
    }

    /**
     * The next loop in turn (round robin), skipping loops that are shutting down or have ended:
     * what is given to the loop this returns is served.
     *
     * <p>Any thread.
     *
     * @return a running loop
     * @throws RejectedExecutionException if every loop is shutting down or has ended
     */
    public EventLoop next() {
        int start = next.getAndIncrement();
        for (int i = 0; i < loops.size(); i++) { // every loop once from this caller's turn on
            EventLoop loop = loops.get(Math.floorMod(start + i, loops.size()));
            if (!loop.isShuttingDown() && !loop.terminationFuture().isDone()) {
                return loop;
            }
        }
        throw allEnded();
    }

    /**
     * Listens for TCP connections (or Unix domain stream connections) and serves each on one of
     * the group's loops, balanced. Port 0 binds one ephemeral port for all of the group's
     * sockets; read it from {@link TcpServer#localAddress()}. {@link TcpOptions#maxConnections()}
     * holds for the whole server. {@link TcpServer#close()} closes every listening socket.
     *
     * <p>Any thread.
     *
     * @param address        where to listen
     * @param options        the options
     * @param handlerFactory called on the serving loop once per connection for its handler
     * @return a future of the server; it fails with a {@link java.net.BindException} reading
     *         {@code cannot listen on ADDRESS: Address already in use} when another socket holds
     *         the address, and nothing of the group stays bound then
     */
    public CompletableFuture<TcpServer> listenTcp(SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        return onRunningLoops(running -> GroupChannels.listenTcp(running, this::nextCoreOrNull, address, options, handlerFactory));
    }

    /**
     * Serves a socket that listens already instead of binding one, typically the process's
     * inherited standard input (see {@link EventLoop#listenTcp(ServerSocketChannel, TcpOptions,
     * Function)}, which says what is taken from the options and what is closed): one loop accepts
     * and hands each connection to the next loop of the group in turn.
     *
     * <p>Any thread.
     *
     * @param listening      a bound, listening channel
     * @param options        the options
     * @param handlerFactory called on the serving loop once per connection for its handler
     * @return a future of the server
     */
    public CompletableFuture<TcpServer> listenTcp(ServerSocketChannel listening, TcpOptions options,
            Function<? super Connection, ? extends ConnectionHandler> handlerFactory) {
        return onRunningLoops(running -> GroupChannels.serveTcp(running, this::nextCoreOrNull, listening, options, handlerFactory));
    }

    /**
     * Opens a client connection on the next loop ({@link #next()}); as
     * {@link EventLoop#connectTcp}.
     *
     * <p>Any thread.
     *
     * @param address the peer's address
     * @param options the options
     * @param handler the connection's handler
     * @return a future of the connection; it fails with a {@link RejectedExecutionException}
     *         once every loop is shutting down or has ended
     */
    public CompletableFuture<Connection> connectTcp(SocketAddress address, TcpOptions options,
            ConnectionHandler handler) {
        EventLoop loop;
        try {
            loop = next();
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
        return loop.connectTcp(address, options, handler);
    }

    /**
     * Binds one UDP socket per loop on {@code address} (SO_REUSEPORT among the group's sockets;
     * the kernel spreads datagrams by source address and port), each with a handler of its own
     * from {@code handlers}: N threads never share a handler's state. A handler sees its own
     * loop's socket as the endpoint of {@link DatagramHandler#onDatagram}. The returned
     * endpoint sends through the caller's loop's socket when called on one of the group's loops,
     * and closes them all.
     *
     * <p>Any thread.
     *
     * @param address  where to bind
     * @param options  the options
     * @param handlers called once per loop, on that loop's thread, for its handler: the calls may
     *                 run at the same time
     * @return a future of the group's endpoint; it fails with a {@link java.net.BindException}
     *         reading {@code cannot bind ADDRESS: Address already in use} when another socket
     *         holds the address
     */
    public CompletableFuture<UdpEndpoint> bindUdp(SocketAddress address, UdpOptions options,
            Supplier<? extends DatagramHandler> handlers) {
        return onRunningLoops(running -> GroupChannels.bindUdp(running, address, options, handlers));
    }

    /**
     * Serves a bound UDP socket instead of binding one, typically the process's inherited standard
     * input (see {@link EventLoop#bindUdp(DatagramChannel, UdpOptions, DatagramHandler)}): one
     * socket, read by the group's first running loop with one handler from {@code handlers}.
     *
     * <p>Any thread.
     *
     * @param bound    a bound channel
     * @param options  the options
     * @param handlers called once, on that loop's thread, for the handler
     * @return a future of the endpoint
     */
    public CompletableFuture<UdpEndpoint> bindUdp(DatagramChannel bound, UdpOptions options,
            Supplier<? extends DatagramHandler> handlers) {
        return onRunningLoops(running -> GroupChannels.serveUdp(running, bound, options, handlers));
    }

    /**
     * Shuts every loop down gracefully (see {@link EventLoop#shutdownGracefully}); a loop that
     * ended already is not waited for twice.
     *
     * <p>Any thread.
     *
     * @param timeout how long connections may take to finish before the rest are reset, on each loop at once
     * @return the {@linkplain #terminationFuture() termination future}
     */
    public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
        for (EventLoop loop : loops) {
            try {
                loop.shutdownGracefully(timeout);
            } catch (RejectedExecutionException e) {
                // it ended (a fatal error) as it was asked to stop: its end is already counted
            }
        }
        return termination;
    }

    /**
     * A future completed once every loop has ended: normally, or exceptionally with the first
     * fatal error that ended one of them.
     *
     * <p>Any thread.
     *
     * @return the termination future
     */
    public CompletableFuture<Void> terminationFuture() {
        return termination;
    }

    /**
     * The group's counters: summed, and per loop through {@link GroupMetrics#perLoop()}.
     *
     * <p>Any thread.
     *
     * @return the live metrics view
     */
    public GroupMetrics metrics() {
        return metrics;
    }

    /**
     * The group's name, the prefix of its threads' names.
     *
     * @return the group's name, the prefix of its threads' names
     */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "EventLoopGroup[" + name + ", " + loops.size() + " loops]";
    }

    /** Opens a channel with the running loops, or fails if every loop is shutting down or has ended. */
    private <T> CompletableFuture<T> onRunningLoops(Function<List<LoopCore>, CompletableFuture<T>> open) {
        List<LoopCore> running = runningCores();
        return running.isEmpty() ? CompletableFuture.failedFuture(allEnded()) : open.apply(running);
    }

    private List<LoopCore> runningCores() {
        List<LoopCore> running = new ArrayList<>();
        for (EventLoop loop : loops) {
            if (!loop.isShuttingDown() && !loop.terminationFuture().isDone()) {
                running.add(loop.core());
            }
        }
        return running;
    }

    private RejectedExecutionException allEnded() {
        return new RejectedExecutionException("every loop of group " + name + " is shutting down or has ended");
    }

    private LoopCore nextCoreOrNull() {
        try {
            return next().core();
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void completeWhenAllEnd() {
        AtomicInteger running = new AtomicInteger(loops.size());
        AtomicReference<Throwable> firstFatal = new AtomicReference<>();
        for (EventLoop loop : loops) {
            loop.terminationFuture().whenComplete((ignored, fatal) -> {
                if (fatal != null) {
                    firstFatal.compareAndSet(null, fatal);
                }
                if (running.decrementAndGet() == 0) {
                    beforeTermination.run(); // its MBean leaves before whoever joins the future wakes
                    if (firstFatal.get() == null) {
                        termination.complete(null);
                    } else {
                        termination.completeExceptionally(firstFatal.get());
                    }
                }
            });
        }
    }
}
