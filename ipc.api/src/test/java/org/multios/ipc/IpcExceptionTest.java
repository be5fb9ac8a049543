package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IpcExceptionTest {

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted();
    }

    @Test
    void messageStartsWithTheCode() {
        IpcException e = new IpcException(IpcError.WOULD_BLOCK, "queue 'q' is full");
        assertThat(e.error()).isEqualTo(IpcError.WOULD_BLOCK);
        assertThat(e).hasMessage("WOULD_BLOCK: queue 'q' is full");
        assertThat(e).isInstanceOf(RuntimeException.class);
    }

    @Test
    void keepsTheCause() {
        IOException cause = new IOException("disk full");
        IpcException e = new IpcException(IpcError.IO_ERROR, "write failed", cause);
        assertThat(e).hasCause(cause).hasMessageContaining("IO_ERROR");
    }

    @Test
    void errorIsRequired() {
        assertThatThrownBy(() -> new IpcException(null, "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void factoriesNameCodeAndObject() {
        assertThat(IpcException.invalidArgument("bad size")).hasMessage("INVALID_ARGUMENT: bad size");
        assertThat(IpcException.notFound(ObjectType.QUEUE, "orders"))
                .hasMessage("NOT_FOUND: queue 'orders' does not exist")
                .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.NOT_FOUND));
        assertThat(IpcException.alreadyExists(ObjectType.SHARED_MEMORY, "seg"))
                .hasMessage("ALREADY_EXISTS: shm 'seg' already exists");
        assertThat(IpcException.closed("pipe 'p'")).hasMessage("CLOSED: pipe 'p' is closed");
        assertThat(IpcException.timeout("receive", "queue 'q'"))
                .hasMessage("TIMEOUT: receive on queue 'q' timed out")
                .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.TIMEOUT));
        assertThat(IpcException.permissionDenied("write to", "queue 'q'", "bundle 7"))
                .hasMessage("PERMISSION_DENIED: bundle 7 may not write to queue 'q'");
    }

    @Test
    void interruptedSetsTheInterruptFlagAgain() {
        Thread.interrupted(); // start with a clear flag
        IpcException e = IpcException.interrupted("wait", "event 'e'");

        assertThat(e.error()).isEqualTo(IpcError.INTERRUPTED);
        assertThat(e).hasMessage("INTERRUPTED: wait on event 'e' was interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }
}
