package org.multios.ipc.mqtt.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.owasp.encoder.Encode;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console page "MQTT" ({@code /system/console/mqtt}): one row per configured bridge with
 * its state, broker, store depth, messages in flight, counts and last error, as {@code ipc:mqtt}
 * and JMX show them. A plain Servlet plugin: the Web Console renders its header and navigation
 * around the content of a GET, which changes nothing. The servlet API is an optional import of
 * this bundle; where it is missing, this component's service is not used and the bridges run
 * without it. Everything shown is HTML-escaped (OWASP Java Encoder): a last error may quote
 * what a broker sent.
 */
@Component(configurationPolicy = ConfigurationPolicy.IGNORE, service = Servlet.class, property = {
    "felix.webconsole.label=" + MqttWebConsolePlugin.LABEL,
    "felix.webconsole.title=MQTT",
    "felix.webconsole.category=MultiOS" })
public final class MqttWebConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The page's label: the last segment of its URL. */
    public static final String LABEL = "mqtt";

    private static final String STYLE = """
            <style>
            .mqtt-page table.mqtt { border-collapse: collapse; width: 100%; }
            .mqtt-page table.mqtt th, .mqtt-page table.mqtt td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; }
            .mqtt-page table.mqtt th { background: #eee; }
            .mqtt-page td.num { text-align: right; font-family: monospace; }
            .mqtt-page td.state-connected { background: #e6f4e6; }
            .mqtt-page td.state-waiting, .mqtt-page td.state-stopped { background: #fbe9e9; }
            </style>
            """;

    private final transient List<MqttBridgeComponent> bridges = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBridge(MqttBridgeComponent bridge) {
        bridges.add(bridge);
    }

    void removeBridge(MqttBridgeComponent bridge) {
        bridges.remove(bridge);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html; charset=utf-8");
        resp.getWriter().write(render(bridges.stream().map(MqttBridgeComponent::status).toList()));
    }

    /** The page's content for these bridges. */
    static String render(List<BridgeStatus> statuses) {
        StringBuilder out = new StringBuilder(STYLE).append("<div class='mqtt-page'>\n");
        if (statuses.isEmpty()) {
            out.append("<p>No MQTT bridge configured (factory configuration ")
                    .append(Encode.forHtml(MqttBridgeComponent.PID)).append(").</p>\n");
        } else {
            out.append("<table class='mqtt' id='mqtt-bridges'><tr><th>Client id</th><th>State</th><th>Broker</th>"
                    + "<th>Queued</th><th>In flight</th><th>Stored</th><th>Sent</th><th>Received</th><th>Held</th><th>Dropped</th>"
                    + "<th>Duplicates</th><th>Malformed</th><th>Oversized</th><th>Connections</th>"
                    + "<th>Last error</th></tr>\n");
            for (BridgeStatus s : statuses) {
                String state = s.state().name().toLowerCase(Locale.ROOT);
                String client = Encode.forHtml(s.client());
                out.append("<tr data-client='").append(client).append("'><td>").append(client)
                        .append("</td><td class='state-").append(state).append("'>").append(state)
                        .append("</td><td>").append(Encode.forHtml(s.broker())).append("</td>")
                        .append(num(s.queued())).append(num(s.inFlight())).append(num(s.stored())).append(num(s.sent()))
                        .append(num(s.received())).append(num(s.held())).append(num(s.dropped())).append(num(s.duplicates()))
                        .append(num(s.malformed())).append(num(s.oversized())).append(num(s.connections()))
                        .append("<td>").append(Encode.forHtml(s.lastError())).append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        return out.append("</div>\n").toString();
    }

    private static String num(long value) {
        return "<td class='num'>" + value + "</td>";
    }
}
