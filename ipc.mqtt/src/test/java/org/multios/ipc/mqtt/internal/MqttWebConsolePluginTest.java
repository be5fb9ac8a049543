package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The Web Console page's content: a row per bridge with its state and counts, all of it escaped. */
class MqttWebConsolePluginTest {
    @Test
    void eachBridgeIsARowWithItsStateCountsAndLastError() {
        String page = MqttWebConsolePlugin.render(List.of(
                new BridgeStatus("gw-a", "ssl://broker:8883", BridgeState.CONNECTED, 3, 2, 5, 40, 35, 7, 1, 1, 0, 0, 2, ""),
                new BridgeStatus("gw-b", "tcp://other:1883", BridgeState.WAITING, 12, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0,
                        "Connection refused")));
        assertThat(page).contains("<tr data-client='gw-a'><td>gw-a</td><td class='state-connected'>connected</td>"
                + "<td>ssl://broker:8883</td><td class='num'>3</td><td class='num'>2</td><td class='num'>40</td>"
                + "<td class='num'>35</td><td class='num'>7</td><td class='num'>5</td><td class='num'>1</td><td class='num'>1</td>"
                + "<td class='num'>0</td><td class='num'>0</td><td class='num'>2</td><td></td></tr>");
        assertThat(page).contains("<tr data-client='gw-b'><td>gw-b</td><td class='state-waiting'>waiting</td>"
                + "<td>tcp://other:1883</td><td class='num'>12</td>")
                .contains("<td>Connection refused</td></tr>");
    }

    @Test
    void whatABrokerOrAConfigurationSaysIsEscaped() {
        String page = MqttWebConsolePlugin.render(List.of(new BridgeStatus("x'><script>", "tcp://h:1", BridgeState.WAITING,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "bad <b>\"reason\"</b> & more")));
        assertThat(page).doesNotContain("<script>").doesNotContain("<b>")
                .contains("data-client='x&#39;&gt;&lt;script&gt;'")
                .contains("<td>bad &lt;b&gt;&#34;reason&#34;&lt;/b&gt; &amp; more</td>");
    }

    @Test
    void withoutABridgeThePageSaysHowToConfigureOne() {
        assertThat(MqttWebConsolePlugin.render(List.of()))
                .contains("No MQTT bridge configured (factory configuration " + MqttBridgeComponent.PID + ")")
                .doesNotContain("<table");
    }
}
