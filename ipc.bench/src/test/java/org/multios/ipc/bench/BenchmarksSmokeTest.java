package org.multios.ipc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark runs for one short iteration, in this JVM, and produces a result: the
 * benchmarks are kept working; their figures are not judged here.
 */
class BenchmarksSmokeTest {
    @Test
    @Timeout(300)
    void everyBenchmarkRunsOneShortIteration() throws Exception {
        // a benchmark run elsewhere on the machine holds JMH's global lock; this smoke run needs none
        System.setProperty("jmh.ignoreLock", "true");
        OptionsBuilder builder = new OptionsBuilder();
        if (Runtime.version().feature() >= 24) {
            // the Aeron peer and Agrona's ring (aeron-all 1.47) call an internal Unsafe method that JDK 24 changed:
            // they run on the project's Java 17 only; the project's own benchmarks run everywhere
            builder.exclude(".*ChannelProcessRoundTrip\\.aeronIpc.*");
            builder.exclude(".*\\.agronaRing.*"); // the same Agrona, the in-framework channels' peer
        }
        if (!org.multios.ipc.mqtt.test.Mosquitto.available()) {
            // the MQTT bridge is measured against a real Mosquitto (.ci/run installs it)
            builder.exclude(".*MqttThroughput.*");
        }
        Options options = builder
                .include("org\\.multios\\.ipc\\.bench\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("size", "4096")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).isNotEmpty();
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
