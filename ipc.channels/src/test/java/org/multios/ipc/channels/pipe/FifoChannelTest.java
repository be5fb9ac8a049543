package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.pipe.PipeFlag;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;

/**
 * Named pipe ends read and write through JDK channels ({@link FifoChannel}): when another end
 * of the same FIFO took the bytes or the room, an attempt ends as the kernel says (nothing now,
 * no room now), with no exception and no byte lost or duplicated; heap, read-only and direct
 * buffers move their bytes and positions.
 */
@Timeout(30)
class FifoChannelTest extends PipeTestSupport {

    @Test
    void aReaderWhoseBytesAnotherReaderTookFindsNothingAndThenTheNextBytes() {
        PipeService pipes = pipes();
        pipes.createNamed("shared", 0600);
        PipeReader first = pipes.openReader("shared", EnumSet.of(PipeFlag.NON_BLOCKING));
        PipeReader second = pipes.openReader("shared", EnumSet.of(PipeFlag.NON_BLOCKING));
        PipeWriter writer = pipes.openWriter("shared");
        writer.write(new byte[8192], 0, 8192);
        assertThat(first.tryRead(new byte[1], 0, 1)).as("learns that 8 KiB are there").isEqualTo(1);
        assertThat(second.tryRead(new byte[16384], 0, 16384)).isEqualTo(8191);

        assertThat(first.tryRead(new byte[64], 0, 64)).as("its 8191 bytes are gone")
                .isEqualTo(PipeReader.NOTHING_AVAILABLE);
        writer.write(new byte[] { 7, 8, 9 }, 0, 3);
        byte[] got = new byte[64];
        assertThat(first.read(got, 0, 64, Duration.ofSeconds(10))).isEqualTo(3);
        assertThat(got[0]).isEqualTo((byte) 7);
    }

    @Test
    void aWriterWhoseRoomAnotherWriterTookWritesNothingAndThenWhatFits() {
        PipeService pipes = pipes();
        pipes.createNamed("crowded", 0600);
        PipeReader reader = pipes.openReader("crowded", EnumSet.of(PipeFlag.NON_BLOCKING));
        PipeWriter first = pipes.openWriter("crowded");
        PipeWriter second = pipes.openWriter("crowded");
        assertThat(first.tryWrite(new byte[4096], 0, 4096)).as("learns the room").isEqualTo(4096);
        long filled = 4096;
        int n;
        while ((n = second.tryWrite(new byte[4096], 0, 4096)) > 0) {
            filled += n;
        }

        assertThat(first.tryWrite(new byte[4096], 0, 4096)).as("the room it knew of is taken").isZero();
        long drained = 0;
        while ((n = reader.tryRead(new byte[65536], 0, 65536)) > 0) {
            drained += n;
        }
        assertThat(drained).isEqualTo(filled);
        assertThat(first.tryWrite(new byte[4096], 0, 4096)).isEqualTo(4096);
    }

    @Test
    void heapAndDirectBuffersMoveTheirBytesAndPositions() {
        PipeService pipes = pipes();
        pipes.createNamed("buffers", 0600);
        PipeReader reader = pipes.openReader("buffers");
        PipeWriter writer = pipes.openWriter("buffers");
        ByteBuffer heap = ByteBuffer.wrap(new byte[] { 0, 1, 2, 3, 4, 5 }).position(2);
        writer.write(heap.slice(1, 4));
        ByteBuffer direct = ByteBuffer.allocateDirect(2).put((byte) 9).put((byte) 10).flip();
        writer.write(direct);
        assertThat(direct.hasRemaining()).isFalse();

        ByteBuffer into = ByteBuffer.allocate(10).position(3);
        assertThat(reader.read(into.slice(3, 7), Duration.ofSeconds(10))).isEqualTo(6);
        assertThat(into.array()).containsExactly(0, 0, 0, 1, 2, 3, 4, 9, 10, 0);
        ByteBuffer readOnlySource = ByteBuffer.wrap(new byte[] { 42 }).asReadOnlyBuffer();
        writer.write(readOnlySource);
        ByteBuffer directInto = ByteBuffer.allocateDirect(4);
        assertThat(reader.read(directInto, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(directInto.get(0)).isEqualTo((byte) 42);
    }
}
