package org.multios.ipc.channels;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;

import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.core.mapped.ObjectFileHeader;

/**
 * Lays a closed queue's or channel's file of this build out again in the layout before (rings of
 * magic PRN3, {@link PriorityRingDescriptor#FREE_SCALE_PRN3}), through the same descriptor
 * constants and ring initialization this build uses, keeping its common header (identity, owner,
 * mode) and its own header words: for tests that need such files of any size and name (the files
 * the earlier build itself made are {@link EarlierLayoutFiles}'). The rings come out empty.
 */
public final class EarlierLayouts {
    private EarlierLayouts() {
    }

    /**
     * Rewrites {@code file}: its rings at {@code bases} (each keeping its capacity, message size,
     * budget and checksums) laid out empty at {@code earlierBases}, the object layout version
     * {@code layoutVersion}, the data length {@code dataLength}, and the file cut to its header and
     * that data.
     */
    public static void rewrite(Path file, int layoutVersion, long dataLength, long[] bases, long[] earlierBases)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            MappedRegion region = MappedRegion.map(ch, size, true);
            int[][] rings = new int[bases.length][];
            for (int i = 0; i < bases.length; i++) {
                long base = bases[i];
                rings[i] = new int[] { region.getInt(base + PriorityRingDescriptor.CAPACITY_OFFSET),
                    region.getInt(base + PriorityRingDescriptor.MAX_MESSAGE_SIZE_OFFSET),
                    region.getInt(base + PriorityRingDescriptor.BYTE_BUDGET_OFFSET),
                    region.getInt(base + PriorityRingDescriptor.CHECKSUMS_OFFSET) };
            }
            int headerLength = new ObjectFileHeader(region).headerLength();
            for (long at = headerLength; at < size; at += 8) {
                region.putLong(at, 0);
            }
            for (int i = 0; i < bases.length; i++) {
                PriorityRing.initialize(region, earlierBases[i], rings[i][0], rings[i][1], rings[i][2], rings[i][3] != 0,
                        PriorityRingDescriptor.FREE_SCALE_PRN3);
            }
            region.putInt(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET, layoutVersion);
            region.putLong(ObjectFileDescriptor.DATA_LENGTH_OFFSET, dataLength);
            region.detach();
            ch.truncate(headerLength + dataLength);
        }
    }
}
