package io.nioreactor.core.internal;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A loop's selecting: its {@link Selector}, what is registered with it, one select with the
 * readiness of each key dispatched to its {@link Selectable} (a throwing one closes or pauses that
 * one only), and the futures of channels closed since, which complete once the select that really
 * closes their sockets has run (the JDK defers closing a registered channel: a port is free only
 * then). Loop thread only, but for {@link #wakeup}.
 */
final class LoopSelector {

    private final Selector selector;
    private final LoopResources resources;
    /** Created once: a method reference per select call would allocate. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private final ArrayDeque<CompletableFuture<Void>> closedAfterSelect = new ArrayDeque<>();
    private int registered;

    /**
     * Opens and closes one channel of each kind while file descriptors are still available.
     * The JDK initialises its close path lazily (the JDK's FileDispatcherImpl needs a spare
     * descriptor for that); if the first close happens when the process is out of descriptors,
     * the initialisation fails for good, no channel can ever be closed again and the process
     * never recovers. Seen under prlimit --nofile.
     */
    private static void warmUpChannelClose() throws IOException {
        SocketChannel.open().close();
        ServerSocketChannel.open().close();
        DatagramChannel.open().close();
    }

    /** Opens a selector, and first the JDK's close path (see {@link #warmUpChannelClose}). */
    static Selector open() throws IOException {
        warmUpChannelClose();
        return Selector.open();
    }

    LoopSelector(Selector selector, LoopResources resources) {
        this.selector = selector;
        this.resources = resources;
    }

    SelectionKey register(SelectableChannel channel, int ops, Selectable selectable) throws IOException {
        SelectionKey key = channel.register(selector, ops, selectable);
        registered++;
        return key;
    }

    /** Each registered channel calls this exactly once, when it closes: cancels its key, uncounts it. */
    void deregister(SelectionKey key) {
        key.cancel();
        registered--;
    }

    /** How many channels are registered and not closed. */
    int registered() {
        return registered;
    }

    /** Completes {@code closed} once the next select has flushed the cancelled keys (and closed their sockets). */
    void completeAfterDeregistration(CompletableFuture<Void> closed) {
        closedAfterSelect.add(closed);
    }

    /** Whether futures wait for a select: the next one must not block. */
    boolean closesPending() {
        return !closedAfterSelect.isEmpty();
    }

    /**
     * Selects and dispatches the ready keys.
     *
     * @param timeoutMillis 0 to poll, -1 to block until woken, else the longest wait
     * @return how many keys were ready
     */
    int select(long timeoutMillis) throws IOException {
        int closedBefore = closedAfterSelect.size(); // closed before this select: their sockets go in it
        int ready;
        if (timeoutMillis == 0) {
            ready = selector.selectNow(dispatcher);
        } else if (timeoutMillis < 0) {
            ready = selector.select(dispatcher);
        } else {
            ready = selector.select(dispatcher, timeoutMillis);
        }
        for (int i = 0; i < closedBefore; i++) {
            closedAfterSelect.poll().complete(null);
        }
        return ready;
    }

    private void dispatch(SelectionKey key) {
        resources.ioNanos(); // the first dispatch of an iteration reads the clock: the busy time starts
        Selectable selectable = (Selectable) key.attachment();
        try {
            if (key.isValid()) {
                selectable.onReady(key.readyOps());
            }
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            resources.counters().handlerFailures.increment();
            selectable.onUnexpectedFailure(t);
        }
    }

    /** What is registered and open now, to shut down or close (a cancelled key stays in the set until the next select). */
    Selectable[] registeredNow() {
        return selector.keys().stream().filter(SelectionKey::isValid).map(key -> (Selectable) key.attachment())
                .toArray(Selectable[]::new);
    }

    /** The connections of {@code server} registered now. */
    List<ConnectionDriver> connectionsOf(ServerConnections server) {
        List<ConnectionDriver> found = new ArrayList<>();
        for (Selectable registered : registeredNow()) {
            if (registered instanceof ConnectionDriver && ((ConnectionDriver) registered).belongsTo(server)) {
                found.add((ConnectionDriver) registered);
            }
        }
        return found;
    }

    /** The loop has ended: the selector closes, and with it every socket still registered. */
    void close(Logger log, String loopName) {
        try {
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            log.debug("loop {}: error closing the selector", loopName, e);
        }
        CompletableFuture<Void> closed;
        while ((closed = closedAfterSelect.poll()) != null) {
            closed.complete(null);
        }
    }
}
