package org.multios.ipc.examples.internal;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.examples.Example;
import org.multios.ipc.examples.ExampleServices;
import org.multios.ipc.examples.Examples;
import org.multios.ipc.examples.MqttExample;
import org.multios.ipc.net.NetService;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.signal.SignalService;
import org.multios.ipc.sync.SyncService;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands {@code ipc:examples} (lists the examples) and {@code ipc:example <name>} (runs
 * one and returns what it printed). The examples run as this bundle's IPC process, with the
 * services ipc.security publishes for it; an example whose mechanism is not installed fails
 * with UNAVAILABLE. {@code ipc:example mqtt <broker> [user password]} takes its broker on the
 * command line and needs Configuration Admin (an optional import) and the ipc.mqtt bundle.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = ExampleCommands.class, property = {
    "osgi.command.scope=ipc", "osgi.command.function=examples", "osgi.command.function=example" })
public final class ExampleCommands {
    private final IpcRuntime runtime;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<ChannelService> channels;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<MessageQueueService> queues;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<SharedMemoryService> shm;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<SyncService> sync;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<EventService> events;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<PipeService> pipes;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<SignalService> signals;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ComponentServiceObjects<NetService> net;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurations;

    // the mechanisms' services are taken at the first example that uses each (AtFirstUse): binding
    // them makes no mechanism at the gateway's start
    private final Map<Class<?>, Supplier<?>> services = Map.of(
            ChannelService.class, new AtFirstUse<>(() -> channels),
            MessageQueueService.class, new AtFirstUse<>(() -> queues),
            SharedMemoryService.class, new AtFirstUse<>(() -> shm),
            SyncService.class, new AtFirstUse<>(() -> sync),
            EventService.class, new AtFirstUse<>(() -> events),
            PipeService.class, new AtFirstUse<>(() -> pipes),
            SignalService.class, new AtFirstUse<>(() -> signals),
            NetService.class, new AtFirstUse<>(() -> net), IpcRuntime.class, this::runtime, ConfigurationAdmin.class, () -> configurations);

    /**
     * Commands over the given runtime (bound to this bundle), or null while no security policy is
     * in force (ipc.security then serves nothing): the commands stay and say so.
     */
    @Activate
    public ExampleCommands(@Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) IpcRuntime runtime) {
        this.runtime = runtime;
    }

    private IpcRuntime runtime() {
        return runtime;
    }

    @Descriptor("lists the examples of the original specification")
    public String examples() {
        StringBuilder s = new StringBuilder();
        for (Example e : Examples.all()) {
            s.append(String.format("%-18s %s%n", e.name(), e.describe()));
        }
        MqttExample mqtt = new MqttExample("", "", "");
        s.append(String.format("%-18s %s; ipc:example mqtt <broker-uri> [user password]%n", mqtt.name(),
                mqtt.describe()));
        return s.append("run one with: ipc:example <name>\n").toString();
    }

    @Descriptor("runs one example and shows what it did")
    public String example(@Descriptor("the example's name, as ipc:examples lists them") String name)
            throws Exception {
        if (name.equals("mqtt")) {
            throw IpcException.invalidArgument("ipc:example mqtt needs a broker: ipc:example mqtt <broker-uri> "
                    + "[user password], for example ipc:example mqtt tcp://127.0.0.1:1883");
        }
        Example example = Examples.named(name).orElseThrow(() -> IpcException.invalidArgument(
                "no example '" + name + "'; ipc:examples lists them"));
        return run(example);
    }

    @Descriptor("runs the MQTT example against a broker that needs no login")
    public String example(@Descriptor("the example's name: mqtt") String name,
            @Descriptor("the broker's URI, for example tcp://127.0.0.1:1883") String broker) throws Exception {
        return example(name, broker, "", "");
    }

    @Descriptor("runs the MQTT example against a broker with a user name and password")
    public String example(@Descriptor("the example's name: mqtt") String name,
            @Descriptor("the broker's URI, for example tcp://127.0.0.1:1883") String broker,
            @Descriptor("the user name the broker knows") String user,
            @Descriptor("that user's password") String password) throws Exception {
        if (!name.equals("mqtt")) {
            throw IpcException.invalidArgument("example '" + name + "' takes no arguments; only mqtt takes a broker");
        }
        return run(new MqttExample(broker, user, password));
    }

    private String run(Example example) throws Exception {
        return Examples.run(example, new ExampleServices() {
            @Override
            public <S> S service(Class<S> type) {
                if (runtime == null) {
                    throw new IpcException(IpcError.UNAVAILABLE, "no security policy in force: the platform serves"
                            + " nothing (ipc:rules says why)");
                }
                Supplier<?> supplier = services.get(type);
                Object service = supplier == null ? null : supplier.get();
                if (service == null) {
                    throw new IpcException(IpcError.UNAVAILABLE, "the example needs " + type.getName()
                            + ", which no running bundle provides");
                }
                return type.cast(service);
            }
        });
    }
}
