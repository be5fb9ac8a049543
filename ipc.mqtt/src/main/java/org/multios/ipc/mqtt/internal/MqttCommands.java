package org.multios.ipc.mqtt.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The Gogo command {@code ipc:mqtt}: each configured MQTT bridge's state, broker and counts. */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = MqttCommands.class, property = {"osgi.command.scope=ipc", "osgi.command.function=mqtt"})
public final class MqttCommands {
    private final List<MqttBridgeComponent> bridges = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBridge(MqttBridgeComponent bridge) {
        bridges.add(bridge);
    }

    void removeBridge(MqttBridgeComponent bridge) {
        bridges.remove(bridge);
    }

    /** One line per bridge. */
    @Descriptor("shows each MQTT bridge: state, broker, messages queued for the broker, sent, received and dropped")
    public String mqtt() {
        if (bridges.isEmpty()) {
            return "no MQTT bridge configured (factory configuration " + MqttBridgeComponent.PID + ")\n";
        }
        StringBuilder out = new StringBuilder();
        for (MqttBridgeComponent b : bridges) {
            out.append(b.status().line()).append('\n');
        }
        return out.toString();
    }
}
