package org.multios.ipc.channels.ring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.multios.ipc.core.mapped.MappedRegion;

/** Regions the ring tests lay rings out in. */
final class TestRegions {
    private TestRegions() {
    }

    /** A new file of {@code length} zero bytes at {@code file}, mapped read-write. */
    static MappedRegion created(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
            return MappedRegion.map(ch, length, true);
        }
    }
}
