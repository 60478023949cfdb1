package io.nioreactor.core.internal;

import io.nioreactor.core.LoopMetric;
import io.nioreactor.core.LoopMetrics;
import java.util.ArrayList;
import java.util.List;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.SimpleType;

/**
 * A loop's (or a group's) {@link LoopMetrics} as an open MBean: every figure of {@link LoopMetric}
 * that applies to what the loop serves is a read-only {@code long} attribute, named as an MXBean
 * getter would be ({@code connectionsAccepted()} → {@code ConnectionsAccepted}), read live, with
 * its meaning as the description and, in its descriptor, the standard {@code metricType}
 * ({@code counter} or {@code gauge}) and {@code units}. Figures of TLS or UDP appear once the loop
 * serves such a channel, so a plain TCP daemon shows none of them. Its class name, as JMX clients
 * show it, is the public {@link LoopMetrics}.
 */
public final class MetricsMBean implements DynamicMBean {

    private final LoopMetrics metrics;
    private final ServedChannels served;
    private final String type;
    /**
     * The info last built, with the kinds of channel served when it was: rebuilt when the loop serves
     * a new kind; one field, so the two are never torn apart. Read by any thread.
     */
    private volatile BuiltInfo info = new BuiltInfo(-1, null);

    private MetricsMBean(LoopMetrics metrics, String type) {
        this.metrics = metrics;
        this.served = metrics instanceof ServedChannels ? (ServedChannels) metrics : channels -> true;
        this.type = type;
    }

    /**
     * Registers {@code metrics} in the platform MBean server as
     * {@code io.nioreactor:type=TYPE,name="NAME"}; a name already taken gets {@code #2},
     * {@code #3}, ... A failure is logged, not thrown: a loop runs without its MBean.
     *
     * @param type    {@code EventLoop} or {@code EventLoopGroup}
     * @param name    the loop's or group's name
     * @param metrics its metrics
     * @return what unregisters it (does nothing if it was not registered)
     */
    public static Runnable register(String type, String name, LoopMetrics metrics) {
        return MBeans.register(type, name, new MetricsMBean(metrics, type));
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        for (LoopMetric metric : LoopMetric.values()) {
            if (metric.attributeName().equals(attribute) && served.serves(metric.channels())) {
                return metric.read(metrics);
            }
        }
        throw new AttributeNotFoundException(attribute);
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList values = new AttributeList();
        for (String attribute : attributes) {
            try {
                values.add(new Attribute(attribute, getAttribute(attribute)));
            } catch (AttributeNotFoundException e) {
                // left out, as the interface asks of an attribute that cannot be read
            }
        }
        return values;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName));
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        int kinds = servedKinds();
        BuiltInfo built = info;
        if (built.kinds != kinds) {
            built = new BuiltInfo(kinds, buildInfo(kinds));
            info = built;
        }
        return built.info;
    }

    private record BuiltInfo(int kinds, MBeanInfo info) {
    }

    private static boolean applies(LoopMetric metric, int kinds) {
        return (kinds & 1 << metric.channels().ordinal()) != 0;
    }

    private int servedKinds() {
        int kinds = 0;
        for (LoopMetric.Channels channels : LoopMetric.Channels.values()) {
            if (served.serves(channels)) {
                kinds |= 1 << channels.ordinal();
            }
        }
        return kinds;
    }

    private MBeanInfo buildInfo(int kinds) {
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (LoopMetric metric : LoopMetric.values()) {
            if (applies(metric, kinds)) {
                attributes.add(attribute(metric));
            }
        }
        return new OpenMBeanInfoSupport(LoopMetrics.class.getName(), "nioreactor " + type + " metrics: counters"
                + " are totals since the start, gauges values now; figures of TLS and UDP appear once served",
                attributes.toArray(new OpenMBeanAttributeInfoSupport[0]), null, null, null,
                new ImmutableDescriptor("immutableInfo=false"));
    }

    private static OpenMBeanAttributeInfoSupport attribute(LoopMetric metric) {
        String kind = metric.kind() == LoopMetric.Kind.COUNTER ? "counter" : "gauge";
        String description = (metric.kind() == LoopMetric.Kind.COUNTER ? "Counter" : "Gauge") + ", "
                + metric.unit().label() + ": " + metric.description() + ".";
        ImmutableDescriptor descriptor = new ImmutableDescriptor(new String[] {"metricType", "units", "openType",
                "originalType"}, new Object[] {kind, metric.unit().label(), SimpleType.LONG, "long"});
        return new OpenMBeanAttributeInfoSupport(metric.attributeName(), description, SimpleType.LONG, true, false,
                false, descriptor);
    }
}
