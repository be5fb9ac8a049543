package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.Quota;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Names that change while they are opened, releases and creates that overlap, the object limit
 * under concurrent creates, and FIFO quotas: each window held open by a hook.
 */
class NamedPipeRaceTest extends PipeTestSupport {
    private PipeMechanism mechanism;
    private final RecordingCaller owner = RecordingCaller.osUser(1);
    private final RecordingCaller guest = new RecordingCaller(2, "guest", Map.of());
    private final StepPause pause = new StepPause();

    private PipeService service(RecordingCaller caller) {
        return mechanism(IpcLimits.defaults()).bind(caller);
    }

    private PipeMechanism mechanism(IpcLimits limits) {
        if (mechanism == null) {
            mechanism = new PipeMechanism(new IpcEnvironment(root, limits));
            mechanism.hook(pause::accept);
        }
        return mechanism;
    }

    private Path fifo(String name) {
        return root.resolve("pipe").resolve(name);
    }

    @AfterEach
    void closeMechanism() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    @Test
    @Timeout(30)
    void aFifoReCreatedWithMode0600WhileBeingOpenedIsOpenedWithItsNewMode() throws Exception {
        service(owner).createNamed("shared", 0666);
        pause.arm(PipeHook.FIFO_CHECKED);
        Future<PipeReader> open = start("opening-guest", () -> service(guest).openReader("shared"));
        pause.awaitReached();

        service(owner).unlink("shared");
        service(owner).createNamed("shared", 0600);
        pause.resume();

        assertFails(open, IpcError.PERMISSION_DENIED);
    }

    @Test
    @Timeout(30)
    void aFifoSwappedForASymbolicLinkWhileBeingOpenedIsNotFollowed() throws Exception {
        service(owner).createNamed("public", 0666);
        service(owner).createNamed("secret", 0600);
        pause.arm(PipeHook.FIFO_CHECKED);
        Future<PipeWriter> open = start("opening-guest", () -> service(guest).openWriter("public"));
        pause.awaitReached();

        Files.delete(fifo("public"));
        Files.createSymbolicLink(fifo("public"), fifo("secret"));
        pause.resume();

        assertFails(open, IpcError.CORRUPTED);
    }

    @Test
    @Timeout(30)
    void releaseWaitsForACreateUnderWayAndGivesItsQuotaBack() throws Exception {
        RecordingCaller bounded = new RecordingCaller(3, System.getProperty("user.name"), Map.of(Quota.OBJECTS, 5L));
        PipeService pipes = service(bounded);
        pause.arm(PipeHook.CREATING);
        Future<Void> create = start("creating", () -> {
            pipes.createNamed("late", 0600);
            return null;
        });
        pause.awaitReached();

        boolean returned = pause.runWhileHeld("releasing", () -> mechanism.release(bounded));

        assertThat(returned).as("release returned while a create was under way").isFalse();
        create.get(20, TimeUnit.SECONDS);
        assertThat(fifo("late")).as("made before the release returned").exists();
        assertThat(bounded.used(Quota.OBJECTS)).as("quota given back by the release").isZero();
        assertError(() -> pipes.createNamed("later", 0600), IpcError.CLOSED);
    }

    @Test
    @Timeout(30)
    void concurrentCreatesCannotBothPassTheObjectLimit() throws Exception {
        mechanism(IpcLimits.defaults().with(Limit.OBJECTS, 1));
        pause.arm(PipeHook.CREATING);
        Future<Void> first = start("creating-first", () -> {
            service(owner).createNamed("first", 0600);
            return null;
        });
        pause.awaitReached();

        service(guest).createNamed("second", 0600);
        pause.resume();

        assertFails(first, IpcError.LIMIT_EXCEEDED);
        assertThat(fifo("first")).doesNotExist();
        assertThat(fifo("second")).exists();
        assertThat(owner.used(Quota.OBJECTS)).isZero();
    }

    @Test
    @Timeout(30)
    void ofTwoCreatorsRacingForTheOwnersLastObjectExactlyOneKeepsIt() throws Exception {
        String user = System.getProperty("user.name");
        RecordingCaller one = new RecordingCaller(5, user, Map.of(Quota.OBJECTS, 1L));
        RecordingCaller other = new RecordingCaller(6, user, Map.of(Quota.OBJECTS, 1L));
        mechanism(IpcLimits.defaults());
        pause.arm(PipeHook.CREATING);
        Future<Void> first = start("creating-first", () -> {
            service(one).createNamed("first", 0600);
            return null;
        });
        pause.awaitReached();

        service(other).createNamed("second", 0600);
        pause.resume();

        assertFails(first, IpcError.LIMIT_EXCEEDED);
        assertThat(fifo("first")).doesNotExist();
        assertThat(fifo("second")).exists();
    }

    @Test
    @Timeout(30)
    void aNamedPipeHoldsItsObjectQuotaAcrossSessionsAndRestartsUntilItIsUnlinked() {
        RecordingCaller bounded = new RecordingCaller(3, System.getProperty("user.name"), Map.of(Quota.OBJECTS, 2L));
        PipeService pipes = service(bounded);
        pipes.createNamed("one", 0600);
        pipes.createNamed("two", 0600);
        assertError(() -> pipes.createNamed("three", 0600), IpcError.LIMIT_EXCEEDED);
        assertThat(fifo("three")).doesNotExist();
        mechanism.release(bounded);

        RecordingCaller nextSession = new RecordingCaller(3, System.getProperty("user.name"),
                Map.of(Quota.OBJECTS, 2L));
        assertError(() -> service(nextSession).createNamed("three", 0600), IpcError.LIMIT_EXCEEDED);

        mechanism.close();
        mechanism = null;
        RecordingCaller afterRestart = new RecordingCaller(4, System.getProperty("user.name"),
                Map.of(Quota.OBJECTS, 2L));
        assertError(() -> service(afterRestart).createNamed("three", 0600), IpcError.LIMIT_EXCEEDED);
        assertThat(fifo("three")).doesNotExist();

        service(afterRestart).unlink("one");
        service(afterRestart).createNamed("three", 0600);
        assertThat(fifo("three")).exists();
        assertThat(afterRestart.used(Quota.OBJECTS)).as("nothing is left reserved in the session").isZero();
    }
}
