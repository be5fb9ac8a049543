package org.multios.ipc.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;

/** The examples, in the order of the original specification, and a way to run one to text. */
public final class Examples {
    private Examples() {
    }

    /** Every example, in the order of the original specification. */
    public static List<Example> all() {
        return List.of(new ChannelExample(), new SharedMemoryExample(), new QueuePrioritiesExample(),
                new EventExample(), new PipeExample(), new SignalExample(), new NetworkExample(),
                new CoordinationExample());
    }

    /** The example of that name, if there is one. */
    public static Optional<Example> named(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Runs an example and returns what it printed. */
    public static String run(Example example, ExampleServices services) throws Exception {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text, true)) {
            example.run(services, out);
        }
        return text.toString();
    }
}
