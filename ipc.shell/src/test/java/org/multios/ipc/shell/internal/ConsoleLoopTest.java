package org.multios.ipc.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A command that fails with an Error a console can survive does not end the console. */
@Timeout(30)
class ConsoleLoopTest {
    @Test
    void aCommandThatOverflowsItsStackOrMissesAClassFailsAndTheNextLineRuns() {
        List<String> ran = new ArrayList<>();
        CommandSession session = (CommandSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { CommandSession.class }, (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        String line = args[0].toString();
                        ran.add(line);
                        switch (line) {
                            case "recurse" -> throw new StackOverflowError();
                            case "updated" -> throw new NoClassDefFoundError("org/example/Gone");
                            case "truncated" -> throw new InternalError(
                                    "a fault occurred in an unsafe memory access operation");
                            default -> {
                                return "ok " + line;
                            }
                        }
                    }
                    return method.getName().equals("format") ? args[0].toString() : null;
                });
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8);
        var in = new ByteArrayInputStream("recurse\nupdated\ntruncated\nlast\n".getBytes(StandardCharsets.UTF_8));

        new ConsoleLoop(session, in, out, false, line -> true).run();

        assertThat(ran).containsExactly("recurse", "updated", "truncated", "last");
        assertThat(shown.toString(StandardCharsets.UTF_8)).contains("gogo: StackOverflowError",
                "gogo: NoClassDefFoundError: org/example/Gone", "gogo: InternalError", "ok last");
    }
}
