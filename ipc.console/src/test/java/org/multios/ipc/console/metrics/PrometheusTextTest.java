package org.multios.ipc.console.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Quota;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

class PrometheusTextTest {
    private static final IpcProcess CREATOR = new IpcProcess(ProcessKind.BUNDLE, 7, "fixture \"x\"", 4242, 0, "alice",
            Set.of("staff"));
    /** Debian's python3 (with python3-prometheus-client), not a pyenv one earlier on PATH. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path tmp;

    private static ObjectInfo object(ObjectType type, String name, long sent, WaitTimes waits) {
        long[] c = new long[Counter.values().length];
        c[Counter.MESSAGES_IN.ordinal()] = sent;
        c[Counter.MESSAGES_OUT.ordinal()] = sent / 2;
        c[Counter.DEPTH.ordinal()] = sent - sent / 2;
        return new ObjectInfo(type, 1, Optional.of(name), CREATOR, new Permissions("alice", "staff", 0640), 16, true,
                Statistics.of(c, waits));
    }

    @Test
    void namesFollowPrometheusConventionsAndValuesAreEscaped() {
        String text = PrometheusText.render(List.of(object(ObjectType.QUEUE, "orders", 42, WaitTimes.NONE),
                object(ObjectType.QUEUE, "we\\ird\"na\nme", 3, WaitTimes.NONE)), Map.of(), Map.of(), 2, IpcLimits.defaults(), 10);
        assertThat(text).contains("# TYPE ipc_queue_messages_sent_total counter\n",
                "ipc_queue_messages_sent_total{name=\"orders\"} 42\n",
                "ipc_queue_messages_received_total{name=\"orders\"} 21\n", "# TYPE ipc_queue_depth gauge\n",
                "ipc_queue_depth{name=\"orders\"} 21\n", "ipc_queue_messages_sent_total{name=\"we\\\\ird\\\"na\\nme\"} 3\n",
                "ipc_objects{kind=\"queue\"} 2\n", "ipc_connections 2\n", "ipc_limit{limit=\"queue.messages.max\"} 256\n");
    }

    @Test
    void atMostMaxObjectsAreExportedAndTheRestCounted() {
        List<ObjectInfo> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(object(ObjectType.QUEUE, String.format("q%02d", i), i, WaitTimes.NONE));
        }
        String text = PrometheusText.render(many, Map.of(), Map.of(), 0, IpcLimits.defaults(), 5);
        assertThat(text.lines().filter(l -> l.startsWith("ipc_queue_messages_sent_total{"))).hasSize(5);
        assertThat(text).contains("ipc_queue_messages_sent_total{name=\"q04\"} 4\n").doesNotContain("name=\"q05\"")
                .contains("ipc_metrics_objects_omitted 45\n", "ipc_objects{kind=\"queue\"} 50\n");
    }

    @Test
    void refusedSettingsNameTheKey() {
        assertThat(MetricsSettings.of(Map.of())).isEqualTo(MetricsSettings.DEFAULTS);
        assertThat(MetricsSettings.of(Map.of("enabled", "false", "path", "/ipc/metrics", "max.objects", 20)))
                .isEqualTo(new MetricsSettings(false, "/ipc/metrics", 20));
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("max.objects", 0))).isInstanceOf(IpcException.class)
                .hasMessageContaining("key max.objects").satisfies(
                        e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT));
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("path", "metrics/*"))).hasMessageContaining("key path");
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("path", "/system/console/metrics")))
                .hasMessageContaining("key path");
        assertThatThrownBy(() -> MetricsSettings.of(Map.of("enabled", "yes"))).hasMessageContaining("key enabled");
    }

    /** The whole exposition, with a summary and process quotas, as Prometheus's own parser and promtool read it. */
    @Test
    void prometheusParsesItAndPromtoolFindsNoProblem() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON) && Files.isExecutable(PROMTOOL) || System.getenv("CI") != null,
                "needs Debian's python3-prometheus-client and prometheus (installed by .ci/run)");
        String text = PrometheusText.render(List.of(object(ObjectType.QUEUE, "orders", 42, WaitTimes.NONE),
                object(ObjectType.SEMAPHORE, "slots", 7, new WaitTimes(9, 1_000, 2_000, 3_000, 4_000, 5_000)),
                object(ObjectType.SHARED_MEMORY, "frames", 0, WaitTimes.NONE)),
                Map.of(CREATOR, Map.of(Quota.OBJECTS, 3L)), Map.of(Quota.OBJECTS, 10L), 1,
                IpcLimits.defaults(), 100);
        Path file = tmp.resolve("metrics.txt");
        Files.writeString(file, text);

        String parsed = run(List.of(PYTHON.toString(), "-c", """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for f in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for s in f.samples:
                        print(f.type, s.name, ",".join(k + "=" + v for k, v in sorted(s.labels.items())), s.value)
                """, file.toString()));
        assertThat(parsed).contains("counter ipc_queue_messages_sent_total name=orders 42.0",
                "summary ipc_semaphore_wait_seconds name=slots,quantile=0.99 3e-06",
                "summary ipc_semaphore_wait_seconds_count name=slots 9.0",
                "gauge ipc_process_quota_used id=7,process=fixture \"x\",quota=quota.objects 3.0",
                "gauge ipc_process_quota_limit quota=quota.objects 10.0");
        run(List.of(PROMTOOL.toString(), "check", "metrics"), file);
    }

    /** Runs a command (with a file on its standard input, if given); its output, or a failure showing it. */
    static String run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
        assertThat(p.exitValue()).as("%s said:%n%s", command, out).isZero();
        return out;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return run(command, null);
    }
}
