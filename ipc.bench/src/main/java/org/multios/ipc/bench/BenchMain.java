package org.multios.ipc.bench;

import java.util.ArrayList;
import java.util.List;

import org.openjdk.jmh.Main;

/**
 * Runs the benchmarks: {@code java -jar benchmarks.jar [quick|full] [mechanism ...]}.
 * {@code quick} (the default) runs short iterations in one fork, a few minutes in all on two
 * cores; {@code full} runs longer iterations in two forks. A mechanism name (shm, sync,
 * security, queue, pipe, channel, net, mqtt) runs only that mechanism's benchmarks, which always
 * include their peers. Any argument starting
 * with {@code -} goes to JMH as it is. Results are also written to {@code bench-results.json}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Runs JMH with the chosen mode and filters. */
    public static void main(String[] args) throws Exception {
        List<String> jmh = new ArrayList<>();
        List<String> filters = new ArrayList<>();
        String mode = "quick";
        for (String a : args) {
            if (a.equals("quick") || a.equals("full")) {
                mode = a;
            } else if (a.startsWith("-")) {
                jmh.add(a);
            } else {
                filters.add("org.multios.ipc.bench." + a + "\\..*");
            }
        }
        if (mode.equals("quick")) {
            jmh.addAll(List.of("-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s"));
        } else {
            jmh.addAll(List.of("-f", "2", "-wi", "5", "-w", "2s", "-i", "10", "-r", "2s"));
        }
        jmh.addAll(List.of("-rf", "json", "-rff", "bench-results.json"));
        jmh.addAll(filters.isEmpty() ? List.of("org.multios.ipc.bench\\..*") : filters);
        Main.main(jmh.toArray(String[]::new));
    }
}
