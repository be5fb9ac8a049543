package org.multios.ipc.console.jmx;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;

/**
 * The names of the IPC MBeans, all in the domain {@value #DOMAIN}:
 * {@code org.multios.ipc:type=Mechanism,name=shm} for the totals of one kind of object and
 * {@code org.multios.ipc:type=Object,kind=shm,name="segment"} for one live object, where the
 * name of a named object is quoted with {@link ObjectName#quote} and an anonymous object is
 * {@code #id} (unquoted, so it never equals a quoted name).
 */
public final class IpcObjectNames {
    /** The JMX domain of every IPC MBean. */
    public static final String DOMAIN = "org.multios.ipc";

    /** A pattern that matches every IPC MBean. */
    public static final ObjectName ALL = parse(DOMAIN + ":*");

    /** A pattern that matches every per-object MBean. */
    public static final ObjectName ALL_OBJECTS = parse(DOMAIN + ":type=Object,*");

    private IpcObjectNames() {
    }

    /** The name of the MBean with the totals of one kind of object. */
    public static ObjectName mechanism(ObjectType type) {
        return parse(DOMAIN + ":type=Mechanism,name=" + type.label());
    }

    /** The name of the MBean of one object. */
    public static ObjectName object(ObjectInfo info) {
        return object(info.type(), info.id(), info.name().orElse(null));
    }

    /**
     * The name of the MBean of one object.
     *
     * @param name the object's name, or null for an anonymous object
     */
    public static ObjectName object(ObjectType type, long id, String name) {
        String value = name == null ? "#" + id : ObjectName.quote(name);
        return parse(DOMAIN + ":type=Object,kind=" + type.label() + ",name=" + value);
    }

    private static ObjectName parse(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
