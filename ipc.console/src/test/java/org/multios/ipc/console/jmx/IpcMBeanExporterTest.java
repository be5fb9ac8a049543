package org.multios.ipc.console.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.console.jmx.FakeRuntime.object;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;

class IpcMBeanExporterTest {
    private final FakeRuntime runtime = new FakeRuntime();
    private MBeanServer server;
    private IpcMBeanExporter exporter;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = MBeanServerFactory.newMBeanServer();
        NotificationListener listener = (Notification n, Object handback) -> {
            if (n instanceof MBeanServerNotification m && m.getMBeanName().getDomain().equals(IpcObjectNames.DOMAIN)) {
                synchronized (events) {
                    events.add(m.getType().substring("JMX.mbean.".length()) + " " + m.getMBeanName());
                }
            }
        };
        server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
        exporter = new IpcMBeanExporter(runtime::objects, server, 0);
    }

    @AfterEach
    void tearDown() {
        exporter.close();
    }

    private Set<ObjectName> ipcNames() {
        return server.queryNames(IpcObjectNames.ALL, null);
    }

    private static Set<ObjectName> mechanisms() {
        return Arrays.stream(ObjectType.values()).map(IpcObjectNames::mechanism).collect(Collectors.toSet());
    }

    private static ObjectName name(String text) throws Exception {
        return new ObjectName(text);
    }

    private List<String> events() {
        synchronized (events) {
            List<String> copy = List.copyOf(events);
            events.clear();
            return copy;
        }
    }

    @Test
    void registersOneMBeanPerKindAndOnePerObjectUnderTheDocumentedNames() throws Exception {
        runtime.set(object(ObjectType.SHARED_MEMORY, 1, "seg", 0), object(ObjectType.SEMAPHORE, 2, "sem", 0),
                object(ObjectType.PIPE, 3, null, 0));

        assertThat(exporter.reconcile()).isTrue();

        Set<ObjectName> expected = new HashSet<>(mechanisms());
        expected.add(name("org.multios.ipc:type=Object,kind=shm,name=\"seg\""));
        expected.add(name("org.multios.ipc:type=Object,kind=semaphore,name=\"sem\""));
        expected.add(name("org.multios.ipc:type=Object,kind=pipe,name=#3"));
        assertThat(ipcNames()).isEqualTo(expected);
        assertThat(exporter.registeredNames()).isEqualTo(expected);
        assertThat(server.isRegistered(name("org.multios.ipc:type=Mechanism,name=shm"))).isTrue();
        assertThat(server.getAttribute(name("org.multios.ipc:type=Object,kind=pipe,name=#3"), "Name")).isEqualTo("#3");
    }

    @Test
    void reconcileRegistersNewObjectsUnregistersGoneOnesAndLeavesTheOthersAlone() throws Exception {
        ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
        ObjectInfo b = object(ObjectType.SHARED_MEMORY, 2, "b", 0);
        ObjectInfo c = object(ObjectType.MUTEX, 3, "c", 0);
        runtime.set(a, b);
        exporter.reconcile();
        assertThat(events()).hasSize(ObjectType.values().length + 2);

        runtime.set(b, c);
        exporter.reconcile();
        assertThat(events()).containsExactlyInAnyOrder(
                "unregistered " + IpcObjectNames.object(a),
                "registered " + IpcObjectNames.object(c));
        Set<ObjectName> expected = new HashSet<>(mechanisms());
        expected.add(IpcObjectNames.object(b));
        expected.add(IpcObjectNames.object(c));
        assertThat(ipcNames()).isEqualTo(expected);

        exporter.reconcile();
        assertThat(events()).as("nothing changed, nothing happens").isEmpty();

        runtime.set();
        exporter.reconcile();
        assertThat(ipcNames()).as("the mechanism MBeans stay without objects").isEqualTo(mechanisms());
    }

    @Test
    void everyCounterOwnershipCapacityCreatorAndWaitPercentileIsAnAttribute() throws Exception {
        ObjectInfo info = object(ObjectType.QUEUE, 5, "q", 100);
        runtime.set(info);
        exporter.reconcile();
        ObjectName n = IpcObjectNames.object(info);

        Map<String, MBeanAttributeInfo> attributes = Arrays.stream(server.getMBeanInfo(n).getAttributes())
                .collect(Collectors.toMap(MBeanAttributeInfo::getName, Function.identity()));
        for (Counter counter : Counter.values()) {
            String attribute = camel(counter.name());
            assertThat(attributes).as("attribute for " + counter).containsKey(attribute);
            assertThat(attributes.get(attribute).getType()).isEqualTo("long");
            assertThat(attributes.get(attribute).isWritable()).isFalse();
            assertThat(server.getAttribute(n, attribute)).as(attribute).isEqualTo(100L + counter.ordinal());
        }
        assertThat(server.getAttribute(n, "Kind")).isEqualTo("queue");
        assertThat(server.getAttribute(n, "Id")).isEqualTo(5L);
        assertThat(server.getAttribute(n, "Name")).isEqualTo("q");
        assertThat(server.getAttribute(n, "Named")).isEqualTo(true);
        assertThat(server.getAttribute(n, "Live")).isEqualTo(true);
        assertThat(server.getAttribute(n, "Persistent")).isEqualTo(true);
        assertThat(server.getAttribute(n, "Capacity")).isEqualTo(4101L);
        assertThat(server.getAttribute(n, "Owner")).isEqualTo("alice");
        assertThat(server.getAttribute(n, "Group")).isEqualTo("staff");
        assertThat(server.getAttribute(n, "Mode")).isEqualTo("640");
        assertThat(server.getAttribute(n, "ModeString")).isEqualTo("rw-r-----");
        assertThat(server.getAttribute(n, "Creator")).isEqualTo("bundle 7 (fixture)");
        assertThat(server.getAttribute(n, "CreatorPid")).isEqualTo(4242L);
        assertThat(server.getAttribute(n, "WaitCount")).isEqualTo(101L);
        assertThat(server.getAttribute(n, "WaitP50Nanos")).isEqualTo(150L);
        assertThat(server.getAttribute(n, "WaitP90Nanos")).isEqualTo(190L);
        assertThat(server.getAttribute(n, "WaitP99Nanos")).isEqualTo(199L);
        assertThat(server.getAttribute(n, "WaitP999Nanos")).isEqualTo(1099L);
        assertThat(server.getAttribute(n, "WaitMaxNanos")).isEqualTo(5100L);
        for (MBeanAttributeInfo a : attributes.values()) {
            assertThat(a.getType()).as("simple type of " + a.getName()).isIn("long", "boolean", String.class.getName());
            assertThat(server.getAttribute(n, a.getName())).as(a.getName()).isNotNull();
        }
    }

    @Test
    void mechanismTotalsSumTheObjectsOfTheirKind() throws Exception {
        runtime.set(object(ObjectType.SHARED_MEMORY, 1, "a", 10), object(ObjectType.SHARED_MEMORY, 2, null, 1000),
                object(ObjectType.SEMAPHORE, 3, "s", 100000));
        exporter.reconcile();
        ObjectName shm = IpcObjectNames.mechanism(ObjectType.SHARED_MEMORY);

        assertThat(server.getAttribute(shm, "Kind")).isEqualTo("shm");
        assertThat(server.getAttribute(shm, "ObjectCount")).isEqualTo(2L);
        Map<String, Counter> totals = Map.of("Handles", Counter.HANDLES, "MessagesIn", Counter.MESSAGES_IN,
                "MessagesOut", Counter.MESSAGES_OUT, "BytesIn", Counter.BYTES_IN, "BytesOut", Counter.BYTES_OUT,
                "Waits", Counter.WAITS, "Timeouts", Counter.TIMEOUTS, "Errors", Counter.ERRORS, "Denials",
                Counter.DENIALS);
        for (Map.Entry<String, Counter> t : totals.entrySet()) {
            assertThat(server.getAttribute(shm, t.getKey())).as(t.getKey())
                    .isEqualTo(10L + 1000L + 2L * t.getValue().ordinal());
        }
        ObjectName mutex = IpcObjectNames.mechanism(ObjectType.MUTEX);
        assertThat(server.getAttribute(mutex, "ObjectCount")).isEqualTo(0L);
        assertThat(server.getAttribute(mutex, "BytesIn")).isEqualTo(0L);
    }

    @Test
    void namesAreQuotedAndAnAnonymousObjectNeverClashesWithANamedOne() throws Exception {
        String odd = "a,b=c:\"d\"*?\\e";
        runtime.set(object(ObjectType.SHARED_MEMORY, 9, null, 0), object(ObjectType.SHARED_MEMORY, 10, "#9", 0),
                object(ObjectType.SHARED_MEMORY, 11, odd, 0));
        exporter.reconcile();

        ObjectName anonymous = name("org.multios.ipc:type=Object,kind=shm,name=#9");
        ObjectName hashNamed = name("org.multios.ipc:type=Object,kind=shm,name=" + ObjectName.quote("#9"));
        ObjectName quoted = IpcObjectNames.object(ObjectType.SHARED_MEMORY, 11, odd);
        assertThat(quoted.getKeyProperty("name")).isEqualTo(ObjectName.quote(odd));
        assertThat(ObjectName.unquote(quoted.getKeyProperty("name"))).isEqualTo(odd);
        assertThat(server.getAttribute(anonymous, "Id")).isEqualTo(9L);
        assertThat(server.getAttribute(anonymous, "Named")).isEqualTo(false);
        assertThat(server.getAttribute(hashNamed, "Id")).isEqualTo(10L);
        assertThat(server.getAttribute(quoted, "Name")).isEqualTo(odd);
        assertThat(server.queryNames(IpcObjectNames.ALL_OBJECTS, null)).containsExactlyInAnyOrder(anonymous,
                hashNamed, quoted);
    }

    @Test
    void closeUnregistersEveryMBeanItRegisteredAndNothingElse() throws Exception {
        ObjectName foreign = name("org.multios.ipc:type=Other");
        server.registerMBean(new Probe(), foreign);
        runtime.set(object(ObjectType.SHARED_MEMORY, 1, "a", 0), object(ObjectType.EVENT, 2, null, 0));
        exporter.reconcile();
        assertThat(ipcNames()).hasSize(ObjectType.values().length + 3);

        exporter.close();

        assertThat(ipcNames()).containsExactly(foreign);
        assertThat(exporter.registeredNames()).isEmpty();
        exporter.reconcile();
        assertThat(ipcNames()).as("a closed exporter registers nothing").containsExactly(foreign);
    }

    @Test
    void aFailingSourceKeepsTheMBeansWithTheirLastValues() throws Exception {
        ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 7);
        runtime.set(a);
        exporter.reconcile();
        Set<ObjectName> before = ipcNames();

        runtime.failWith(new IpcException(IpcError.CLOSED, "stopping"));
        assertThat(exporter.reconcile()).isFalse();
        assertThat(ipcNames()).isEqualTo(before);
        assertThat(server.getAttribute(IpcObjectNames.object(a), "BytesIn")).isEqualTo(7L + Counter.BYTES_IN.ordinal());

        runtime.failWith(null);
        runtime.set();
        assertThat(exporter.reconcile()).isTrue();
        assertThat(ipcNames()).isEqualTo(mechanisms());
    }

    @Test
    void attributesFollowTheObjectBetweenRefreshesAndShowWhenItIsGone() throws Exception {
        ObjectInfo first = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
        runtime.set(first);
        exporter.reconcile();
        ObjectName n = IpcObjectNames.object(first);

        runtime.set(object(ObjectType.SHARED_MEMORY, 1, "a", 500));
        assertThat(server.getAttribute(n, "BytesIn")).isEqualTo(500L + Counter.BYTES_IN.ordinal());
        assertThat(server.getAttribute(IpcObjectNames.mechanism(ObjectType.SHARED_MEMORY), "BytesIn"))
                .isEqualTo(500L + Counter.BYTES_IN.ordinal());

        runtime.set(object(ObjectType.SHARED_MEMORY, 4, "a", 0));
        assertThat(server.getAttribute(n, "Id")).as("a new object under the same name").isEqualTo(4L);

        runtime.set();
        assertThat(server.getAttribute(n, "Live")).isEqualTo(false);
        assertThat(server.getAttribute(n, "Id")).as("the last values seen").isEqualTo(4L);
        exporter.reconcile();
        assertThat(server.isRegistered(n)).isFalse();
    }

    @Test
    void attributeReadsWithinTheMaximumAgeShareOneQuery() throws Exception {
        IpcMBeanExporter cached = new IpcMBeanExporter(runtime::objects, server, 60_000);
        try {
            ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
            runtime.set(a);
            cached.reconcile();
            int queries = runtime.queries.get();
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(IpcObjectNames.object(a)).getAttributes()) {
                server.getAttribute(IpcObjectNames.object(a), attribute.getName());
            }
            server.getAttribute(IpcObjectNames.mechanism(ObjectType.SHARED_MEMORY), "ObjectCount");
            assertThat(runtime.queries.get()).isEqualTo(queries);
            cached.reconcile();
            assertThat(runtime.queries.get()).as("a refresh always asks").isEqualTo(queries + 1);
        } finally {
            cached.close();
        }
    }

    @Test
    void aNameTakenBySomeoneElseIsRegisteredOnceItIsFree() throws Exception {
        ObjectInfo a = object(ObjectType.SHARED_MEMORY, 1, "a", 0);
        ObjectName n = IpcObjectNames.object(a);
        server.registerMBean(new Probe(), n);
        runtime.set(a);

        exporter.reconcile();
        assertThat(exporter.registeredNames()).doesNotContain(n).containsAll(mechanisms());
        exporter.close();
        assertThat(server.isRegistered(n)).as("not ours, not unregistered").isTrue();

        server.unregisterMBean(n);
        IpcMBeanExporter again = new IpcMBeanExporter(runtime::objects, server, 0);
        try {
            again.reconcile();
            assertThat(again.registeredNames()).contains(n);
            assertThat(server.getAttribute(n, "Name")).isEqualTo("a");
        } finally {
            again.close();
        }
    }

    private static String camel(String constant) {
        StringBuilder s = new StringBuilder();
        for (String part : constant.split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }

    /** A foreign MBean. */
    public interface ProbeMBean {
        int getValue();
    }

    /** A foreign MBean. */
    public static final class Probe implements ProbeMBean {
        @Override
        public int getValue() {
            return 1;
        }
    }
}
