package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventType;
import org.multios.ipc.local.RuntimeView;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * A mechanism lists every named object whatever its owner and mode, as the queues do: an
 * object made by an operator acting as another user (an SSH account mapped to
 * {@code alice:ipcadmin}) with a mode that gives the mechanism's own identity no rights was
 * left out, so an administrator's {@code ipc:objects} missed it and {@code ipc:object} said
 * NOT_FOUND. Who may see it is the listing caller's filter to decide, not the mechanism's.
 */
@Timeout(60)
class ForeignObjectListingTest extends TwoCallersSupport {
    private final RecordingCaller alice = new RecordingCaller(7, "alice", Map.of());

    private static Permissions of(int mode) {
        return new Permissions("alice", "ipcadmin", mode);
    }

    @Test
    void objectsOfAnotherUserThatTheMechanismMayNotOpenAreListed() {
        sync(alice).createSemaphore("door", SemaphoreOptions.of(1), of(0660));
        sync(alice).createMutex("lock", MutexOptions.DEFAULT, of(0600));
        sync(alice).createSemaphore("closed", SemaphoreOptions.of(0), of(0));
        events(alice).create("bell", EventType.MANUAL_RESET, EnumSet.noneOf(EventFlag.class), of(0660));

        List<ObjectInfo> listed = syncMechanism().objects();

        assertThat(listed).extracting(ObjectInfo::type, ObjectInfo::name).contains(
                tuple(ObjectType.SEMAPHORE, Optional.of("door")),
                tuple(ObjectType.MUTEX, Optional.of("lock")),
                tuple(ObjectType.SEMAPHORE, Optional.of("closed")));
        ObjectInfo door = listed.stream().filter(o -> o.name().equals(Optional.of("door"))).findFirst().orElseThrow();
        assertThat(door.permissions()).isEqualTo(of(0660));
        assertThat(door.creator().user()).isEqualTo("alice");
        assertThat(eventMechanism().objects()).extracting(ObjectInfo::name).containsExactly(Optional.of("bell"));
    }

    @Test
    void theRuntimeFindsAnotherUsersObjectByName() {
        sync(alice).createSemaphore("door", SemaphoreOptions.of(1), of(0660));
        events(alice).create("bell", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), of(0));
        RuntimeView view = new RuntimeView(alice.process(), () -> List.of(syncMechanism(), eventMechanism()), List::of,
                IpcLimits::defaults);

        assertThat(view.object(ObjectType.SEMAPHORE, "door")).isPresent();
        assertThat(view.object(ObjectType.EVENT, "bell")).isPresent();
    }
}
