package io.nioreactor.core.internal;

import io.nioreactor.core.Cancellable;
import io.nioreactor.core.TcpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A server's {@link TcpServer#drain}: from now on its connections drain (see {@link DrainWatch}),
 * those open on each loop once a task there has told them, those its listeners still accept as
 * they open; the listeners take what the kernel has queued and close; on each loop a timer resets
 * what is still open at the timeout. Done once the listeners are closed and the last connection
 * with them. Any thread.
 */
final class ServerDrain {

    private ServerDrain() {
    }

    /**
     * @param listeners   the server's listeners
     * @param loops       every loop its connections may live on
     * @param connections the server's connections
     * @param timeout     how long they may take
     * @return the server's drained future
     */
    static CompletableFuture<Void> drain(List<? extends TcpServer> listeners, List<LoopCore> loops,
            ServerConnections connections, Duration timeout) {
        Durations.delayNanos(timeout); // checked before anything begins: a bad one changes nothing
        if (!connections.beginDrain()) {
            return connections.drained(); // drained, or draining, by an earlier call
        }
        List<Cancellable> deadlines = new ArrayList<>();
        for (LoopCore loop : loops) {
            if (loop.executeUnlessTerminated(() -> drainOn(loop, connections))) {
                try {
                    deadlines.add(loop.schedule(() -> resetOn(loop, connections), timeout));
                } catch (RejectedExecutionException e) {
                    // it ended meanwhile, closing every connection it had
                }
            }
        }
        CompletableFuture<?>[] closes = listeners.stream().map(TcpServer::close).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(closes).whenComplete((ignored, failure) -> connections.listenersClosed());
        connections.drained().whenComplete((ignored, failure) -> deadlines.forEach(Cancellable::cancel));
        return connections.drained();
    }

    private static void drainOn(LoopCore loop, ServerConnections connections) {
        for (ConnectionDriver connection : loop.connectionsOf(connections)) {
            connection.drain();
        }
    }

    private static void resetOn(LoopCore loop, ServerConnections connections) {
        connections.markDrainTimedOut();
        for (ConnectionDriver connection : loop.connectionsOf(connections)) {
            connection.abort(null);
        }
    }
}
