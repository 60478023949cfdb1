package io.nioreactor.core.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenType;

/**
 * A read-only open MBean of a fixed set of attributes, each read live from a supplier: what a
 * server or an endpoint shows of itself (its address, its limits, its connections now).
 */
final class FixedAttributesMBean implements DynamicMBean {

    /**
     * One attribute.
     *
     * @param name        its name, capitalized
     * @param description what it means
     * @param type        its open type
     * @param metricType  {@code gauge}, {@code counter}, or {@code null} for a setting
     * @param value       reads it
     */
    record Attr(String name, String description, OpenType<?> type, String metricType, Supplier<?> value) {
    }

    private final Map<String, Attr> attributes = new LinkedHashMap<>();
    private final MBeanInfo info;

    FixedAttributesMBean(String className, String description, List<Attr> attributes) {
        OpenMBeanAttributeInfoSupport[] infos = new OpenMBeanAttributeInfoSupport[attributes.size()];
        for (int i = 0; i < infos.length; i++) {
            Attr attr = attributes.get(i);
            this.attributes.put(attr.name(), attr);
            ImmutableDescriptor descriptor = attr.metricType() == null
                    ? new ImmutableDescriptor(new String[] {"openType"}, new Object[] {attr.type()})
                    : new ImmutableDescriptor(new String[] {"openType", "metricType"},
                            new Object[] {attr.type(), attr.metricType()});
            infos[i] = new OpenMBeanAttributeInfoSupport(attr.name(), attr.description(), attr.type(), true, false,
                    false, descriptor);
        }
        this.info = new OpenMBeanInfoSupport(className, description, infos, null, null, null,
                new ImmutableDescriptor("immutableInfo=true"));
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Attr attr = attributes.get(attribute);
        if (attr == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return attr.value().get();
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList values = new AttributeList();
        for (String name : names) {
            Attr attr = attributes.get(name);
            if (attr != null) {
                values.add(new Attribute(name, attr.value().get()));
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
}
