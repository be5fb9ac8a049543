package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.osgi.framework.ServiceReference;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Every command of scope {@code ipc} run through Gogo's command processor, as an operator would:
 * each works on good arguments and answers bad ones with the IpcException's code.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleCommandsInFrameworkTest extends IpcTestSupport {
    private CommandSession session;
    private ByteArrayOutputStream out;

    @Override
    @Configuration
    public Option[] config() throws Exception {
        Path roots = Files.createDirectories(Path.of(System.getProperty("ipc.work.dir")).resolve("console-roots"));
        return OptionUtils.combine(super.config(),
                frameworkProperty(IpcEnvironment.ROOT_PROPERTY).value(roots.resolve("root-" + UUID.randomUUID()).toString()));
    }

    @Before
    public void openSession() throws Exception {
        await("the ipc commands are registered",
                () -> references(null, "(osgi.command.scope=ipc)").length > 0);
        CommandProcessor processor = context.getService(context.getServiceReference(CommandProcessor.class));
        out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
    }

    @After
    public void closeSession() throws IOException {
        session.close();
        Path root = Path.of(context.getProperty(IpcEnvironment.ROOT_PROPERTY));
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String run(String command) throws Exception {
        Object result = session.execute(command);
        return String.valueOf(result);
    }

    private void fails(String command, IpcError expected) throws Exception {
        try {
            session.execute(command);
            fail(command + " should fail with " + expected);
        } catch (IpcException e) {
            assertEquals(command + ": " + e.getMessage(), expected, e.error());
        }
    }

    private static void contains(String output, String... parts) {
        for (String p : parts) {
            assertTrue("'" + p + "' in:\n" + output, output.contains(p));
        }
    }

    @Test(timeout = 120_000)
    public void helpIpcListsEveryCommandWithItsDescription() throws Exception {
        String overview = run("help ipc");
        String listing = run("ipc");
        for (ServiceReference<?> ref : references(null, "(osgi.command.scope=ipc)")) {
            Object functions = ref.getProperty("osgi.command.function");
            for (String f : functions instanceof String[] many ? many : new String[] { functions.toString() }) {
                contains(overview, " " + f);
                contains(listing, "ipc:" + f + " ");
            }
        }
        contains(listing, "ipc:semacquire <name> <timeout in milliseconds> - acquires (waits on) a named semaphore",
                "ipc:sempost <name> - the former name of semrelease");
    }

    @Test(timeout = 120_000)
    public void lookingCommands() throws Exception {
        contains(run("ipc:objects"), "no objects");
        fails("ipc:objects bogus", IpcError.INVALID_ARGUMENT);
        contains(run("ipc:limits"), "channels.max", "1024", "queue.messages.max", "256");
        contains(run("ipc:rules"), "no rules");
        contains(run("ipc:processes"), "KIND", "connections:");
        contains(run("ipc:gc"), "nothing to collect");
        fails("ipc:object shm missing", IpcError.NOT_FOUND);
        fails("ipc:revoke 1 nothing x", IpcError.INVALID_ARGUMENT);
        contains(run("ipc:revoke 1 shm x"), "revoked 0");
    }

    @Test(timeout = 120_000)
    public void sharedMemoryCommands() throws Exception {
        contains(run("ipc:shmcreate seg 4096 640"), "created shm 'seg', 4096 bytes, rw-r-----");
        fails("ipc:shmcreate seg 4096 640", IpcError.ALREADY_EXISTS);
        fails("ipc:shmcreate other 0 640", IpcError.INVALID_ARGUMENT);
        fails("ipc:shmcreate ../x 16 640", IpcError.INVALID_ARGUMENT);
        fails("ipc:shmcreate huge 999999999999 640", IpcError.LIMIT_EXCEEDED);
        contains(run("ipc:shmwrite seg 8 hex:41424344"), "wrote 4 bytes at 8");
        contains(run("ipc:shmread seg 0 16"), "41 42 43 44", "|........ABCD....|");
        fails("ipc:shmread seg 4090 16", IpcError.INVALID_ARGUMENT);
        contains(run("ipc:objects shm"), "seg", "rw-r-----", "4096");
        contains(run("ipc:object shm seg"), "bytes_in", "capacity   4096");
        contains(run("ipc:chmod shm seg 600"), "rw-------");
        fails("ipc:chmod shm seg 999", IpcError.INVALID_ARGUMENT);
        contains(run("ipc:unlink shm seg"), "unlinked shm 'seg'");
        fails("ipc:unlink shm seg", IpcError.NOT_FOUND);
        run("ipc:shmcreate given 16 600");
        contains(run("ipc:chown shm given alice staff"), "alice:staff");
        fails("ipc:unlink shm given", IpcError.PERMISSION_DENIED);
    }

    @Test(timeout = 120_000)
    public void synchronizationCommands() throws Exception {
        contains(run("ipc:semcreate s 0"), "= 0");
        contains(run("ipc:semrelease s"), "= 1");
        contains(run("ipc:semacquire s 1000"), "= 0");
        fails("ipc:semacquire s 20", IpcError.TIMEOUT);
        fails("ipc:semrelease missing", IpcError.NOT_FOUND);
        contains(run("ipc:sempost s"), "= 1");
        contains(run("ipc:semwait s 1000"), "= 0");
        String semaphores = run("ipc:objects semaphore");
        assertTrue("a semaphore without a maximum shows '-' as its size:\n" + semaphores,
                semaphores.matches("(?s).*semaphore +s +\\S+ +rw-rw---- +- .*") && !semaphores.contains("2147483647"));
        contains(run("ipc:mutexcreate m"), "created mutex 'm'");
        contains(run("ipc:eventcreate e auto"), "auto-reset");
        fails("ipc:eventcreate f sometimes", IpcError.INVALID_ARGUMENT);
        contains(run("ipc:eventsignal e 42"), "with 42");
        contains(run("ipc:eventwait e 1000"), "value 42");
        fails("ipc:eventwait e 20", IpcError.TIMEOUT);
        long me = context.getBundle().getBundleId();
        fails("ipc:signal " + me + " NOTASIGNAL 0", IpcError.INVALID_ARGUMENT);
        fails("ipc:signal 999999 USR1 0", IpcError.NOT_FOUND);
        contains(run("ipc:objects"), "semaphore", "mutex", "event");
        run("ipc:unlink semaphore s");
        run("ipc:unlink mutex m");
        run("ipc:unlink event e");
        contains(run("ipc:objects"), "no objects");
    }

    @Test(timeout = 120_000)
    public void queueChannelAndPipeCommands() throws Exception {
        contains(run("ipc:queuecreate q 128 4"), "maxMessageSize=128", "maxMessages=4");
        fails("ipc:queuecreate q 128 4", IpcError.ALREADY_EXISTS);
        fails("ipc:queuecreate r 128 100000", IpcError.LIMIT_EXCEEDED);
        contains(run("ipc:send q 2 low"), "priority 2");
        contains(run("ipc:send q 30 high"), "priority 30");
        fails("ipc:send q 32 bad", IpcError.INVALID_ARGUMENT);
        contains(run("ipc:receive q 1000"), "priority 30", ": high");
        contains(run("ipc:receive q 1000"), "priority 2", ": low");
        fails("ipc:receive q 20", IpcError.TIMEOUT);
        run("ipc:unlink queue q");
        contains(run("ipc:queuecreate lq 128 8 lane"), "created queue 'lq' of a lane");
        contains(run("ipc:send lq 2 low"), "priority 2");
        contains(run("ipc:send lq 30 high"), "priority 30");
        contains(run("ipc:receive lq 1000"), "priority 2", ": low"); // in the order sent
        fails("ipc:queuecreate lr 128 8 fastest", IpcError.INVALID_ARGUMENT);
        run("ipc:unlink queue lq");

        contains(run("ipc:channelcreate c 4096"), "created channel 'c'");
        contains(run("ipc:channelsend c A 5 ping"), "from A");
        contains(run("ipc:channelreceive c B 1000"), ": ping");
        fails("ipc:channelsend c C 5 ping", IpcError.INVALID_ARGUMENT);
        fails("ipc:channelreceive c A 20", IpcError.TIMEOUT);
        run("ipc:unlink channel c");
        contains(run("ipc:channelcreate l 4096 lane"), "created channel 'l'", "lane=true");
        contains(run("ipc:channelsend l A 9 first"), "from A");
        contains(run("ipc:channelsend l A 30 second"), "from A");
        contains(run("ipc:channelreceive l B 1000"), "priority 9", ": first"); // in the order sent
        fails("ipc:channelcreate m 4096 fastest", IpcError.INVALID_ARGUMENT);
        run("ipc:unlink channel l");

        contains(run("ipc:fifocreate f 620"), "created fifo 'f'");
        fails("ipc:fifocreate g 9x9", IpcError.INVALID_ARGUMENT);
        run("ipc:unlink pipe f");
        contains(run("ipc:objects"), "no objects");
    }

    @Test(timeout = 120_000)
    public void theBuiltInMeasurementRunsEveryMechanism() throws Exception {
        contains(run("ipc:bench"), "shm", "sync", "event", "queue", "NS/OP");
    }
}
