package io.nioreactor.core;

import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Every figure of {@link LoopMetrics}, described for the tools that export them: its name, whether
 * it is a {@linkplain Kind#COUNTER counter} (a total that only grows) or a
 * {@linkplain Kind#GAUGE gauge} (a value now, up or down), its unit, what it means and which
 * channels it is about. The loop's JMX MBean and the {@code nioreactor-micrometer} binder are
 * made from this table, so both say the same; an embedder's own exporter can use it too.
 *
 * <pre>{@code
 * for (LoopMetric metric : LoopMetric.values()) {
 *     System.out.println(metric.attributeName() + " = " + metric.read(loop.metrics()));
 * }
 * }</pre>
 */
public enum LoopMetric {

    /** See {@link LoopMetrics#connectionsAccepted()}. */
    CONNECTIONS_ACCEPTED(LoopMetrics::connectionsAccepted, "connectionsAccepted", Kind.COUNTER, Unit.CONNECTIONS,
            Channels.TCP, "Connections accepted by the loop's TCP servers (those rejected at maxConnections excluded)"),
    /** See {@link LoopMetrics#connectionsConnected()}. */
    CONNECTIONS_CONNECTED(LoopMetrics::connectionsConnected, "connectionsConnected", Kind.COUNTER, Unit.CONNECTIONS,
            Channels.TCP, "Client connections the loop established (connectTcp)"),
    /** See {@link LoopMetrics#connectionsOpen()}. */
    CONNECTIONS_OPEN(LoopMetrics::connectionsOpen, "connectionsOpen", Kind.GAUGE, Unit.CONNECTIONS, Channels.TCP,
            "Connections open now, accepted or connected"),
    /** See {@link LoopMetrics#connectionsClosed()}. */
    CONNECTIONS_CLOSED(LoopMetrics::connectionsClosed, "connectionsClosed", Kind.COUNTER, Unit.CONNECTIONS,
            Channels.TCP, "Connections closed, for whatever reason"),
    /** See {@link LoopMetrics#connectionsHandedOff()}. */
    CONNECTIONS_HANDED_OFF(LoopMetrics::connectionsHandedOff, "connectionsHandedOff", Kind.COUNTER,
            Unit.CONNECTIONS, Channels.TCP, "Connections this loop accepted and handed to another loop of its group"),
    /** See {@link LoopMetrics#connectionsRejected()}. */
    CONNECTIONS_REJECTED(LoopMetrics::connectionsRejected, "connectionsRejected", Kind.COUNTER, Unit.CONNECTIONS,
            Channels.TCP, "Connections accepted and closed at once because their server was at maxConnections"),
    /** See {@link LoopMetrics#connectionErrors()}. */
    CONNECTION_ERRORS(LoopMetrics::connectionErrors, "connectionErrors", Kind.COUNTER, Unit.CONNECTIONS,
            Channels.TCP, "Connections closed by an I/O error, such as a peer's reset or a broken pipe"),
    /** See {@link LoopMetrics#acceptPauses()}. */
    ACCEPT_PAUSES(LoopMetrics::acceptPauses, "acceptPauses", Kind.COUNTER, Unit.EVENTS, Channels.TCP,
            "Times a server paused accepting, for instance out of file descriptors"),
    /** See {@link LoopMetrics#bytesRead()}. */
    BYTES_READ(LoopMetrics::bytesRead, "bytesRead", Kind.COUNTER, Unit.BYTES, Channels.TCP,
            "Bytes read from stream connections"),
    /** See {@link LoopMetrics#bytesWritten()}. */
    BYTES_WRITTEN(LoopMetrics::bytesWritten, "bytesWritten", Kind.COUNTER, Unit.BYTES, Channels.TCP,
            "Bytes written to stream connections"),
    /** See {@link LoopMetrics#socketWrites()}. */
    SOCKET_WRITES(LoopMetrics::socketWrites, "socketWrites", Kind.COUNTER, Unit.CALLS, Channels.TCP,
            "Write system calls on stream connections, whether or not they took bytes"),
    /** See {@link LoopMetrics#fileBytesSent()}. */
    FILE_BYTES_SENT(LoopMetrics::fileBytesSent, "fileBytesSent", Kind.COUNTER, Unit.BYTES, Channels.TCP,
            "Bytes sent from files without copying (sendFile), also counted in bytesWritten"),
    /** See {@link LoopMetrics#writesDroppedAfterClose()}. */
    WRITES_DROPPED_AFTER_CLOSE(LoopMetrics::writesDroppedAfterClose, "writesDroppedAfterClose", Kind.COUNTER,
            Unit.EVENTS, Channels.TCP, "Writes from other threads that reached the loop after their connection closed"),
    /** See {@link LoopMetrics#tlsHandshakesCompleted()}. */
    TLS_HANDSHAKES_COMPLETED(LoopMetrics::tlsHandshakesCompleted, "tlsHandshakesCompleted", Kind.COUNTER,
            Unit.HANDSHAKES, Channels.TLS, "TLS handshakes that completed"),
    /** See {@link LoopMetrics#tlsHandshakesFailed()}. */
    TLS_HANDSHAKES_FAILED(LoopMetrics::tlsHandshakesFailed, "tlsHandshakesFailed", Kind.COUNTER, Unit.HANDSHAKES,
            Channels.TLS, "TLS handshakes that failed (no TLS, untrusted certificate, nothing in common, peer gone)"),
    /** See {@link LoopMetrics#tlsHandshakesTimedOut()}. */
    TLS_HANDSHAKES_TIMED_OUT(LoopMetrics::tlsHandshakesTimedOut, "tlsHandshakesTimedOut", Kind.COUNTER,
            Unit.HANDSHAKES, Channels.TLS, "TLS handshakes closed at their timeout"),
    /** See {@link LoopMetrics#datagramsReceived()}. */
    DATAGRAMS_RECEIVED(LoopMetrics::datagramsReceived, "datagramsReceived", Kind.COUNTER, Unit.DATAGRAMS,
            Channels.UDP, "Datagrams received by the loop's UDP endpoints"),
    /** See {@link LoopMetrics#datagramsSent()}. */
    DATAGRAMS_SENT(LoopMetrics::datagramsSent, "datagramsSent", Kind.COUNTER, Unit.DATAGRAMS, Channels.UDP,
            "Datagrams sent by the loop's UDP endpoints"),
    /** See {@link LoopMetrics#datagramBytesReceived()}. */
    DATAGRAM_BYTES_RECEIVED(LoopMetrics::datagramBytesReceived, "datagramBytesReceived", Kind.COUNTER, Unit.BYTES,
            Channels.UDP, "Payload bytes of the datagrams received"),
    /** See {@link LoopMetrics#datagramBytesSent()}. */
    DATAGRAM_BYTES_SENT(LoopMetrics::datagramBytesSent, "datagramBytesSent", Kind.COUNTER, Unit.BYTES,
            Channels.UDP, "Payload bytes of the datagrams sent"),
    /** See {@link LoopMetrics#datagramsDropped()}. */
    DATAGRAMS_DROPPED(LoopMetrics::datagramsDropped, "datagramsDropped", Kind.COUNTER, Unit.DATAGRAMS,
            Channels.UDP, "Datagrams dropped on the way out: send queue full, budget spent or endpoint closed"),
    /** See {@link LoopMetrics#datagramErrors()}. */
    DATAGRAM_ERRORS(LoopMetrics::datagramErrors, "datagramErrors", Kind.COUNTER, Unit.EVENTS, Channels.UDP,
            "UDP send and receive errors, ICMP port unreachable among them"),
    /** See {@link LoopMetrics#loopIterations()}. */
    LOOP_ITERATIONS(LoopMetrics::loopIterations, "loopIterations", Kind.COUNTER, Unit.ITERATIONS, Channels.ANY,
            "Iterations of the loop: one select with its ready channels, timers and tasks"),
    /** See {@link LoopMetrics#tasksRun()}. */
    TASKS_RUN(LoopMetrics::tasksRun, "tasksRun", Kind.COUNTER, Unit.TASKS, Channels.ANY,
            "Tasks run, submitted or scheduled"),
    /** See {@link LoopMetrics#handlerFailures()}. */
    HANDLER_FAILURES(LoopMetrics::handlerFailures, "handlerFailures", Kind.COUNTER, Unit.EVENTS, Channels.ANY,
            "Handler callbacks, tasks and timers that threw (each closed its connection or was skipped)"),
    /** See {@link LoopMetrics#loopErrors()}. */
    LOOP_ERRORS(LoopMetrics::loopErrors, "loopErrors", Kind.COUNTER, Unit.EVENTS, Channels.ANY,
            "Iterations that failed outside any one channel or task (in select, say); the loop went on"),
    /** See {@link LoopMetrics#bufferAllocationFailures()}. */
    BUFFER_ALLOCATION_FAILURES(LoopMetrics::bufferAllocationFailures, "bufferAllocationFailures", Kind.COUNTER,
            Unit.EVENTS, Channels.ANY, "Buffers the JVM could not give; each closed a connection or dropped a datagram"),
    /** See {@link LoopMetrics#queuedBytes()}. */
    QUEUED_BYTES(LoopMetrics::queuedBytes, "queuedBytes", Kind.GAUGE, Unit.BYTES, Channels.ANY,
            "Bytes held for sending now, against the send budget"),
    /** See {@link LoopMetrics#peakQueuedBytes()}. */
    PEAK_QUEUED_BYTES(LoopMetrics::peakQueuedBytes, "peakQueuedBytes", Kind.GAUGE, Unit.BYTES, Channels.ANY,
            "The most bytes held for sending at once since the loop started"),
    /** See {@link LoopMetrics#maxQueuedBytes()}. */
    MAX_QUEUED_BYTES(LoopMetrics::maxQueuedBytes, "maxQueuedBytes", Kind.GAUGE, Unit.BYTES, Channels.ANY,
            "The send budget: bytes held for sending past which reading pauses"),
    /** See {@link LoopMetrics#queueBudgetExhaustions()}. */
    QUEUE_BUDGET_EXHAUSTIONS(LoopMetrics::queueBudgetExhaustions, "queueBudgetExhaustions", Kind.COUNTER,
            Unit.EVENTS, Channels.ANY, "Times the send budget was spent and connections holding queued bytes paused"),
    /** See {@link LoopMetrics#longestIterationNanos()}. */
    LONGEST_ITERATION_NANOS(LoopMetrics::longestIterationNanos, "longestIterationNanos", Kind.GAUGE,
            Unit.NANOSECONDS, Channels.ANY, "The longest busy time of one iteration since the loop started"),
    /** See {@link LoopMetrics#longestRecentIterationNanos()}. */
    LONGEST_RECENT_ITERATION_NANOS(LoopMetrics::longestRecentIterationNanos, "longestRecentIterationNanos",
            Kind.GAUGE, Unit.NANOSECONDS, Channels.ANY,
            "The longest busy time of one iteration over the last metrics window (LoopOptions.metricsWindow,"
                    + " a minute by default)"),
    /** See {@link LoopMetrics#currentIterationNanos()}. */
    CURRENT_ITERATION_NANOS(LoopMetrics::currentIterationNanos, "currentIterationNanos", Kind.GAUGE,
            Unit.NANOSECONDS, Channels.ANY, "How long the iteration under way has been busy so far; 0 while the loop"
                    + " waits for I/O (a loop blocked now shows here)"),
    /** See {@link LoopMetrics#blockedIterations()}. */
    BLOCKED_ITERATIONS(LoopMetrics::blockedIterations, "blockedIterations", Kind.COUNTER, Unit.ITERATIONS,
            Channels.ANY, "Iterations that held the loop past LoopOptions.blockedThreshold (a handler that blocks)");

    /** Whether a figure only grows or goes up and down. */
    public enum Kind {
        /** A total since the loop started: it only grows (rates come from two readings). */
        COUNTER,
        /** A value now (or a maximum): it may go up and down. */
        GAUGE
    }

    /** Which channels a figure is about: an exporter may leave out those of kinds a loop does not serve. */
    public enum Channels {
        /** The loop itself: whatever it serves. */
        ANY,
        /** Stream connections, TCP or Unix domain, plain or TLS. */
        TCP,
        /** TLS connections. */
        TLS,
        /** UDP endpoints. */
        UDP
    }

    /** What a figure counts or measures, in the plural, as JMX's {@code units} and Micrometer's base unit. */
    public enum Unit {
        /** Connections. */
        CONNECTIONS,
        /** Bytes. */
        BYTES,
        /** Datagrams. */
        DATAGRAMS,
        /** TLS handshakes. */
        HANDSHAKES,
        /** Iterations of the loop. */
        ITERATIONS,
        /** Tasks. */
        TASKS,
        /** System calls. */
        CALLS,
        /** Occurrences of what the description names. */
        EVENTS,
        /** Nanoseconds. */
        NANOSECONDS;

        /** {@return the unit's name in lower case: "bytes", "nanoseconds"} */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ToLongFunction<LoopMetrics> reader;
    private final String methodName;
    private final Kind kind;
    private final Unit unit;
    private final Channels channels;
    private final String description;

    LoopMetric(ToLongFunction<LoopMetrics> reader, String methodName, Kind kind, Unit unit, Channels channels,
            String description) {
        this.reader = reader;
        this.methodName = methodName;
        this.kind = kind;
        this.unit = unit;
        this.channels = channels;
        this.description = description;
    }

    /**
     * Reads the figure.
     *
     * <p>Any thread: a recent value.
     *
     * @param metrics a loop's or a group's metrics
     * @return the figure
     */
    public long read(LoopMetrics metrics) {
        return reader.applyAsLong(metrics);
    }

    /** {@return the name of its {@link LoopMetrics} method: {@code connectionsAccepted}} */
    public String methodName() {
        return methodName;
    }

    /** {@return its JMX attribute's name, the method's capitalized: {@code ConnectionsAccepted}} */
    public String attributeName() {
        return Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1);
    }

    /**
     * {@return a dotted lower-case name for meter registries, the unit left out where the name says
     * it: {@code connections.accepted}, {@code bytes.read}, {@code longest.iteration}}
     */
    public String meterName() {
        String base = methodName.endsWith("Nanos") ? methodName.substring(0, methodName.length() - 5) : methodName;
        return base.replaceAll("([a-z])([A-Z])", "$1.$2").toLowerCase(Locale.ROOT);
    }

    /** {@return whether it is a counter or a gauge} */
    public Kind kind() {
        return kind;
    }

    /** {@return what it counts or measures} */
    public Unit unit() {
        return unit;
    }

    /** {@return which channels it is about} */
    public Channels channels() {
        return channels;
    }

    /** {@return what it means, in a sentence without its final stop} */
    public String description() {
        return description;
    }
}
