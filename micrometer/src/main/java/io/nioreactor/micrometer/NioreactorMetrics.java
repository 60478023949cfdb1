package io.nioreactor.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nioreactor.core.EventLoop;
import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopMetrics;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The metrics of an {@link EventLoop} or an {@link EventLoopGroup} as Micrometer meters: every
 * figure of {@link LoopMetric}, named {@code nioreactor.} and its {@link LoopMetric#meterName()}
 * ({@code nioreactor.connections.accepted}), a {@link FunctionCounter} for a counter and a
 * {@link Gauge} for a gauge (a {@link TimeGauge} in the registry's time unit for the nanosecond
 * ones), with the figure's description, read live when the registry asks. The names say their
 * unit already ({@code bytes.read}, {@code queued.bytes}), so no base unit is added: in Prometheus
 * they read {@code nioreactor_bytes_read_total}, {@code nioreactor_queued_bytes},
 * {@code nioreactor_longest_iteration_seconds}. The meters are per loop, tagged {@code group} and
 * {@code loop} (a lone loop is a group of one, named as the loop: the tag keys are the same, which
 * Prometheus's registry requires of one name): sum them in the query, where a loop that is busier
 * than the others still shows. Reading costs the loops nothing: their counters are plain fields any
 * thread may read. A service that serves no TLS or no UDP leaves those meters out with
 * {@link #serving(LoopMetric.Channels...)}, rather than export figures that are always 0.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();           // or Prometheus', JMX's, OTLP's...
 * NioreactorMetrics.of(group).bindTo(registry);
 * }</pre>
 */
public final class NioreactorMetrics implements MeterBinder {

    private static final String PREFIX = "nioreactor.";
    private static final Set<LoopMetric.Channels> ALL = Set.of(LoopMetric.Channels.values());

    private final List<LoopMetrics> loops;
    private final List<Tags> tags;
    private final Set<LoopMetric.Channels> channels;

    private NioreactorMetrics(List<LoopMetrics> loops, List<Tags> tags, Set<LoopMetric.Channels> channels) {
        this.loops = loops;
        this.tags = tags;
        this.channels = channels;
    }

    /**
     * The meters of one loop, tagged {@code group=NAME} and {@code loop=NAME}.
     *
     * @param loop the loop
     * @return the binder
     */
    public static NioreactorMetrics of(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        return new NioreactorMetrics(List.of(loop.metrics()),
                List.of(Tags.of(Tag.of("group", loop.name()), Tag.of("loop", loop.name()))), ALL);
    }

    /**
     * The meters of each loop of a group, tagged {@code group=NAME} and {@code loop=NAME-i}.
     *
     * @param group the group
     * @return the binder
     */
    public static NioreactorMetrics of(EventLoopGroup group) {
        Objects.requireNonNull(group, "group");
        List<LoopMetrics> loops = new ArrayList<>();
        List<Tags> tags = new ArrayList<>();
        for (EventLoop loop : group.loops()) {
            loops.add(loop.metrics());
            tags.add(Tags.of(Tag.of("group", group.name()), Tag.of("loop", loop.name())));
        }
        return new NioreactorMetrics(List.copyOf(loops), List.copyOf(tags), ALL);
    }

    /**
     * The same meters, but only those of the kinds of channel named, and those of every loop
     * ({@link LoopMetric.Channels#ANY}): {@code serving(Channels.TCP)} leaves out the TLS and
     * UDP figures of a service that has neither.
     *
     * @param served the kinds of channel the loops serve
     * @return a binder of those meters
     */
    public NioreactorMetrics serving(LoopMetric.Channels... served) {
        EnumSet<LoopMetric.Channels> only = EnumSet.of(LoopMetric.Channels.ANY, served);
        return new NioreactorMetrics(loops, tags, Set.copyOf(only));
    }

    /**
     * Registers the meters.
     *
     * @param registry where to register them
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (int i = 0; i < loops.size(); i++) {
            for (LoopMetric metric : LoopMetric.values()) {
                if (channels.contains(metric.channels())) {
                    bind(registry, loops.get(i), tags.get(i), metric);
                }
            }
        }
    }

    private static void bind(MeterRegistry registry, LoopMetrics metrics, Tags tags, LoopMetric metric) {
        String name = PREFIX + metric.meterName();
        if (metric.kind() == LoopMetric.Kind.COUNTER) {
            FunctionCounter.builder(name, metrics, m -> metric.read(m)).description(metric.description())
                    .tags(tags).register(registry);
        } else if (metric.unit() == LoopMetric.Unit.NANOSECONDS) {
            TimeGauge.builder(name, metrics, TimeUnit.NANOSECONDS, m -> metric.read(m))
                    .description(metric.description()).tags(tags).register(registry);
        } else {
            Gauge.builder(name, metrics, m -> metric.read(m)).description(metric.description())
                    .tags(tags).register(registry);
        }
    }
}
