package io.nioreactor.core.internal;

import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the reactor's MBeans in the platform MBean server, as
 * {@code io.nioreactor:type=TYPE,name="NAME"}; a name already taken gets {@code #2}, {@code #3}, ...
 * A failure is logged, never thrown: what it describes runs without its MBean.
 */
final class MBeans {

    private static final Logger log = LoggerFactory.getLogger(MBeans.class);
    private static final String DOMAIN = "io.nioreactor";

    private MBeans() {
    }

    /** @return what unregisters it (does nothing if it was not registered) */
    static Runnable register(String type, String name, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int n = 1; n < 10_000; n++) {
            try {
                ObjectName objectName = new ObjectName(DOMAIN + ":type=" + type + ",name="
                        + ObjectName.quote(n == 1 ? name : name + "#" + n));
                server.registerMBean(bean, objectName);
                return () -> unregister(server, objectName);
            } catch (InstanceAlreadyExistsException e) {
                continue; // another of that name: the next number
            } catch (JMException | RuntimeException e) {
                log.warn("no JMX MBean for {} {}: {}", type, name, e.toString());
                return () -> { };
            }
        }
        log.warn("no JMX MBean for {} {}: 10,000 of that name registered", type, name);
        return () -> { };
    }

    private static void unregister(MBeanServer server, ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            log.debug("MBean {} already gone: {}", name, e.toString());
        }
    }
}
