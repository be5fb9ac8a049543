package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Every example of ipc.examples run with {@code ipc:example <name>}, as an operator would, as the examples bundle. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExamplesInFrameworkTest extends IpcTestSupport {
    private static final String[] NAMES = { "channel", "shared-memory", "queue-priorities", "event", "pipe", "signal",
        "network", "coordination" };

    @Override
    @Configuration
    public Option[] config() throws Exception {
        // A short root: the network example listens on a Unix socket in it (107 bytes at most).
        Path root = Files.createTempDirectory(Path.of("/tmp"), "ipcex");
        return OptionUtils.combine(super.config(), frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(root.toString()));
    }

    /** Removes the short root made for this run. */
    @After
    public void removeRoot() throws Exception {
        deleteTree(Path.of(context.getProperty(IpcEnvironment.ROOT_PROPERTY)));
    }

    @Test(timeout = 120_000)
    public void everyExampleRunsFromTheConsole() throws Exception {
        await("the example commands are registered",
                () -> references(null, "(&(osgi.command.scope=ipc)(osgi.command.function=example))").length > 0);
        CommandProcessor processor = context.getService(context.getServiceReference(CommandProcessor.class));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(bytes, true);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            String listing = String.valueOf(session.execute("ipc:examples"));
            for (String name : NAMES) {
                assertTrue(listing, listing.contains(name));
                String out = String.valueOf(session.execute("ipc:example " + name));
                assertTrue(name + ":\n" + out, out.lines().count() >= 3);
            }
            String queue = String.valueOf(session.execute("ipc:example queue-priorities"));
            assertTrue(queue, queue.contains("received priority 31: urgent order\nreceived priority 10: normal order"));
            String signal = String.valueOf(session.execute("ipc:example signal"));
            assertTrue(signal, signal.contains("handler got SIGUSR1 with value 42 from bundle "));
            assertTrue("no object is left: " + session.execute("ipc:objects"),
                    String.valueOf(session.execute("ipc:objects")).contains("no objects"));
        }
    }
}
