package org.multios.ipc.stat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;

/**
 * {@code ipc-stat}: the counters of every named object under an IPC root, read straight from the
 * objects' files while gateways and programs use them, as AeronStat reads a media driver's. It
 * starts no mechanism, registers no process and writes nothing: each object's header page is
 * copied with a read (not mapped, so it never counts as a user of the object), and a file that is
 * not what it claims is reported CORRUPTED while the others are still shown.
 *
 * <pre>
 * ipc-stat [--root DIR] [--durable-root DIR] [--json] [--interval SECONDS [--count N]]
 * </pre>
 *
 * Without {@code --interval} it prints once; with it, every so many seconds (N times, or until
 * stopped), adding messages per second in and out. The queues of the durable root are listed too
 * (kind {@code durable}): the directory {@code --durable-root} names, else the one the system
 * property {@value #DURABLE_ROOT_PROPERTY} names, else {@code ipc-durable} in the working
 * directory if there is one (where a gateway started there keeps them).
 */
public final class IpcStat {
    /** The property naming the durable root, as the queue mechanism reads it. */
    static final String DURABLE_ROOT_PROPERTY = "org.multios.ipc.durable.root";
    private static final String USAGE = "usage: ipc-stat [--root DIR] [--durable-root DIR] [--json] "
            + "[--interval SECONDS [--count N]]";
    private static final String HELP = String.join(System.lineSeparator(), USAGE,
            "Prints the counters of every named object of an IPC root, read from its files (no gateway needed).",
            "  --root DIR          the IPC root (default: the platform's, on /dev/shm where it exists)",
            "  --durable-root DIR  also the durable queues of that root (default: ./ipc-durable if there, or -D"
                    + DURABLE_ROOT_PROPERTY + ")",
            "  --json              one JSON object per line instead of a table",
            "  --interval SECONDS  print again every SECONDS, with messages per second in and out",
            "  --count N           stop after N prints (default: 1, or never with --interval)");

    private IpcStat() {
    }

    /** Options of one run; {@code durableRoot} null when there is none to list. */
    record Options(Path root, Path durableRoot, boolean json, double intervalSeconds, long count) {
        static Options parse(String[] args) {
            Path root = IpcEnvironment.defaultRoot();
            Path durableRoot = defaultDurableRoot();
            boolean json = false;
            double interval = 0;
            long count = 1;
            boolean countGiven = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--root" -> root = directory(value(args, ++i, "--root"), "--root");
                    case "--durable-root" -> durableRoot = directory(value(args, ++i, "--durable-root"),
                            "--durable-root");
                    case "--json" -> json = true;
                    case "--interval" -> interval = number(value(args, ++i, "--interval"), "--interval");
                    case "--count" -> {
                        count = (long) number(value(args, ++i, "--count"), "--count");
                        countGiven = true;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (interval > 0 && !countGiven) {
                count = Long.MAX_VALUE;
            }
            if (count < 1) {
                throw new IllegalArgumentException("--count must be 1 or more");
            }
            return new Options(root, durableRoot, json, interval, count);
        }

        private static Path defaultDurableRoot() {
            String named = System.getProperty(DURABLE_ROOT_PROPERTY, "");
            if (!named.isEmpty()) {
                return Path.of(named);
            }
            Path here = Path.of("ipc-durable");
            return java.nio.file.Files.isDirectory(here) ? here : null;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        /**
         * A root named on the command line: it must be a directory, or a typo would show an empty
         * table (the default root may be missing: no gateway has made it yet).
         */
        private static Path directory(String text, String option) {
            Path p = Path.of(text);
            if (!java.nio.file.Files.isDirectory(p)) {
                throw new IllegalArgumentException(option + " " + text + " is no directory");
            }
            return p;
        }

        private static double number(String text, String option) {
            try {
                double v = Double.parseDouble(text);
                if (v > 0 && v < 1e9) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException(option + " expects a positive number, found '" + text + "'");
        }
    }

    /** Runs with the given arguments; exit code 0, or 2 for a usage error. */
    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(HELP);
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("ipc-stat: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        RootScan scan = new RootScan(new IpcEnvironment(options.root(), IpcLimits.defaults()));
        RootScan durable = options.durableRoot() == null ? null : RootScan.durable(options.durableRoot());
        if (scan.kinds().isEmpty()) {
            err.println("ipc-stat: no mechanism jar on the class path (ipc.shm, ipc.sync, ipc.channels)");
            return 2;
        }
        List<RootScan.Row> previous = null;
        long previousNanos = 0;
        for (long pass = 0; pass < options.count(); pass++) {
            if (pass > 0) {
                Thread.sleep((long) (options.intervalSeconds() * 1000));
            }
            long now = System.nanoTime();
            List<RootScan.Row> rows = scan.scan();
            if (durable != null) {
                rows = new java.util.ArrayList<>(rows);
                rows.addAll(durable.scan());
            }
            Map<String, double[]> rates = Report.rates(previous, rows, (now - previousNanos) / 1e9);
            Instant at = Instant.now();
            out.print(options.json() ? Report.json(at, options.root().toString(), rows, rates)
                    : Report.table(at, rows, rates) + (options.count() > 1 ? "\n" : ""));
            out.flush();
            previous = rows;
            previousNanos = now;
        }
        return 0;
    }
}
