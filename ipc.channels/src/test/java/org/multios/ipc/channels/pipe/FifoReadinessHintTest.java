package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * What a {@code poll} reported (readable, writable) is only a hint for the next attempt of an end's
 * streams ({@link FifoStreams#ready}): when another reader or writer of the same FIFO came
 * between, the attempt still ends as the kernel says (nothing now, no room now), without an
 * exception and without losing or duplicating a byte.
 */
@Timeout(30)
class FifoReadinessHintTest {
    @TempDir
    Path dir;
    private String fifo;
    private FifoStreams streams;
    private int otherFd = -1;

    @BeforeEach
    void makeFifo() {
        fifo = dir.resolve("hinted").toString();
        assertThat(FifoCalls.mkfifo(fifo)).isZero();
    }

    @AfterEach
    void closeAll() {
        if (streams != null) {
            streams.close();
        }
        FifoCalls.close(otherFd);
    }

    private static int open(String path, int flags) {
        int fd = FifoCalls.open(path, flags | FifoCalls.O_NONBLOCK | FifoCalls.O_CLOEXEC);
        assertThat(fd).as("open %s", path).isNotNegative();
        return fd;
    }

    @Test
    void aReaderToldReadableWhoseBytesAnotherReaderTookFindsNothingAndThenTheNextBytes() throws Exception {
        streams = FifoStreams.forReading(open(fifo, FifoCalls.O_RDONLY));
        int thief = open(fifo, FifoCalls.O_RDONLY);
        otherFd = open(fifo, FifoCalls.O_WRONLY);
        try {
            assertThat(FifoCalls.write(otherFd, new byte[] { 1, 2, 3 }, 0, null, 3)).isEqualTo(3);
            streams.ready(FifoCalls.POLLIN); // as a poll that saw the bytes
            assertThat(FifoCalls.read(thief, new byte[16], 0, null, 16)).isEqualTo(3);

            assertThat(streams.read(new byte[16], 0, 16)).as("the bytes it was told of are gone")
                    .isEqualTo(-FifoCalls.EAGAIN);
            assertThat(FifoCalls.write(otherFd, new byte[] { 7, 8 }, 0, null, 2)).isEqualTo(2);
            byte[] got = new byte[16];
            assertThat(streams.read(got, 0, 16)).isEqualTo(2);
            assertThat(got[0]).isEqualTo((byte) 7);
            assertThat(got[1]).isEqualTo((byte) 8);
        } finally {
            FifoCalls.close(thief);
        }
    }

    @Test
    void aReaderToldReadableReadsEverythingThereUpToItsLength() throws Exception {
        streams = FifoStreams.forReading(open(fifo, FifoCalls.O_RDONLY));
        otherFd = open(fifo, FifoCalls.O_WRONLY);
        assertThat(FifoCalls.write(otherFd, new byte[100], 0, null, 100)).isEqualTo(100);
        streams.ready(FifoCalls.POLLIN);
        assertThat(streams.read(new byte[64], 0, 64)).isEqualTo(64);
        assertThat(streams.read(new byte[64], 0, 64)).isEqualTo(36);
        assertThat(streams.read(new byte[64], 0, 64)).isEqualTo(-FifoCalls.EAGAIN);
    }

    @Test
    void aWriterToldWritableWhoseRoomAnotherWriterTookWritesNothingAndThenWhatFits() throws Exception {
        otherFd = open(fifo, FifoCalls.O_RDONLY);
        streams = FifoStreams.forWriting(open(fifo, FifoCalls.O_WRONLY));
        int crowd = open(fifo, FifoCalls.O_WRONLY);
        try {
            long filled = 0;
            int n;
            while ((n = FifoCalls.write(crowd, new byte[4096], 0, null, 4096)) > 0) {
                filled += n;
            }
            streams.ready(FifoCalls.POLLOUT); // as a poll that saw room before the other writer filled it

            assertThat(streams.write(new byte[4096], 0, 4096)).as("the room it was told of is taken")
                    .isEqualTo(-FifoCalls.EAGAIN);
            byte[] sink = new byte[65536];
            long drained = 0;
            while ((n = FifoCalls.read(otherFd, sink, 0, null, sink.length)) > 0) {
                drained += n;
            }
            assertThat(drained).isEqualTo(filled);
            assertThat(streams.write(new byte[4096], 0, 4096)).isEqualTo(4096);
            assertThat(FifoCalls.read(otherFd, sink, 0, null, sink.length)).isEqualTo(4096);
        } finally {
            FifoCalls.close(crowd);
        }
    }
}
