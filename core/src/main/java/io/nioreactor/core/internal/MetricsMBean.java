package io.nioreactor.core.internal;

import io.nioreactor.core.LoopMetrics;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanException;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop's (or a group's) {@link LoopMetrics} as a read-only MXBean: every counter of the
 * interface is an attribute of type {@code long}, named as an MXBean getter would name it
 * ({@code connectionsAccepted()} → {@code ConnectionsAccepted}), read live on each request.
 */
public final class MetricsMBean implements DynamicMBean {

    private static final Logger log = LoggerFactory.getLogger(MetricsMBean.class);
    private static final String DOMAIN = "io.nioreactor";
    /** The counters: LoopMetrics' own methods, taking nothing and answering a long. */
    private static final Map<String, Method> COUNTERS = counters();

    private final LoopMetrics metrics;
    private final MBeanInfo info;

    private MetricsMBean(LoopMetrics metrics, String type) {
        this.metrics = metrics;
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        COUNTERS.forEach((name, method) -> attributes.add(new MBeanAttributeInfo(name, "long",
                "LoopMetrics." + method.getName() + "()", true, false, false)));
        this.info = new MBeanInfo(MetricsMBean.class.getName(), "nioreactor " + type + " metrics",
                attributes.toArray(new MBeanAttributeInfo[0]), null, null, null,
                new ImmutableDescriptor("mxbean=true", "immutableInfo=true"));
    }

    /**
     * Registers {@code metrics} in the platform MBean server as
     * {@code io.nioreactor:type=TYPE,name="NAME"}; a name already taken gets {@code #2},
     * {@code #3}, ... A failure is logged, not thrown: a loop runs without its MBean.
     *
     * @return what unregisters it (does nothing if it was not registered)
     */
    public static Runnable register(String type, String name, LoopMetrics metrics) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        MetricsMBean bean = new MetricsMBean(metrics, type);
        for (int n = 1; n < 10_000; n++) {
            try {
                ObjectName objectName = new ObjectName(DOMAIN + ":type=" + type + ",name="
                        + ObjectName.quote(n == 1 ? name : name + "#" + n));
                server.registerMBean(bean, objectName);
                return () -> unregister(server, objectName);
            } catch (InstanceAlreadyExistsException e) {
                continue; // another loop of that name: the next number
            } catch (JMException | RuntimeException e) {
                log.warn("no JMX metrics for {} {}: {}", type, name, e.toString());
                return () -> { };
            }
        }
        log.warn("no JMX metrics for {} {}: 10,000 of that name registered", type, name);
        return () -> { };
    }

    private static void unregister(MBeanServer server, ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            log.debug("JMX metrics {} already gone: {}", name, e.toString());
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException, MBeanException, ReflectionException {
        Method counter = COUNTERS.get(attribute);
        if (counter == null) {
            throw new AttributeNotFoundException(attribute);
        }
        try {
            return counter.invoke(metrics);
        } catch (IllegalAccessException e) {
            throw new ReflectionException(e);
        } catch (InvocationTargetException e) {
            throw new MBeanException(e.getCause() instanceof Exception ? (Exception) e.getCause() : e);
        }
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList values = new AttributeList();
        for (String attribute : attributes) {
            try {
                values.add(new Attribute(attribute, getAttribute(attribute)));
            } catch (JMException e) {
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
        return info;
    }

    private static Map<String, Method> counters() {
        Map<String, Method> counters = new LinkedHashMap<>();
        Arrays.stream(LoopMetrics.class.getMethods())
                .filter(m -> m.getParameterCount() == 0 && m.getReturnType() == long.class
                        && !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparing(Method::getName))
                .forEach(m -> counters.put(Character.toUpperCase(m.getName().charAt(0)) + m.getName().substring(1), m));
        return counters;
    }
}
